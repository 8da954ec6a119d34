from django.urls import path

from returnhome.accounts import views

app_name = "accounts"
urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/password/", views.change_password, name="change_password"),
    path("account/two-factor/", views.two_factor_set_up, name="two_factor_set_up"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/invitation/<str:uidb64>/<str:token>/", views.accept_invite, name="accept_invite"),
    path("settings/users/", views.users, name="users"),
    path("settings/users/invite/", views.invite, name="invite"),
    path("settings/users/<int:pk>/", views.user_detail, name="user"),
    path("settings/users/<int:pk>/role/", views.user_role, name="user_role"),
    path(
        "settings/users/<int:pk>/<slug:action>/",
        views.user_action,
        name="user_action",
    ),
]

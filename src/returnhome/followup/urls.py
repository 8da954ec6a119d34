from django.urls import path

from returnhome.followup import views

app_name = "followup"
urlpatterns = [
    path("", views.action_list, name="list"),
    path("<int:pk>/", views.action_detail, name="action"),
]

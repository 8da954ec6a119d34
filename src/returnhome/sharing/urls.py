from django.urls import path

from returnhome.sharing import views

app_name = "sharing"
urlpatterns = [
    path("", views.sent_forms, name="sent"),
    path("inbox/", views.inbox, name="inbox"),
    path("new/<int:child_pk>/", views.new_form, name="new"),
    path("<int:pk>/", views.form_detail, name="form"),
    path("<int:pk>/receipt/", views.acknowledge, name="receipt"),
    path("<int:pk>/feedback/", views.feedback, name="feedback"),
]

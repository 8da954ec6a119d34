from django.urls import path

from returnhome.privacy import views

app_name = "privacy"

urlpatterns = [
    path("retention/", views.retention_queue, name="retention"),
    path("retention/rule/", views.retention_rule, name="rule"),
    path("retention/<int:pk>/erase/", views.erase, name="erase"),
    path("retention/<int:pk>/keep/", views.keep, name="keep"),
]

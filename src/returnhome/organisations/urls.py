from django.urls import path

from returnhome.organisations import views

app_name = "organisations"
urlpatterns = [path("service/", views.service_settings, name="service")]

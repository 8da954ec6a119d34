from django.urls import path

from returnhome.organisations import views

app_name = "organisations"
urlpatterns = [
    path("service/", views.service_settings, name="service"),
    path("service/delivery/", views.service_delivery, name="delivery"),
    path("service/police-forces/", views.forces_that_may_send, name="forces"),
    path("service/contracts/add/", views.contract_form, name="contract_add"),
    path("service/contracts/<int:pk>/", views.contract_form, name="contract_edit"),
    path("service/contracts/<int:pk>/end/", views.contract_end, name="contract_end"),
]

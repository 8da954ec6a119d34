from django.urls import path

from returnhome.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/open/", views.open_alert, name="open"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
]

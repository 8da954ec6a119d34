from django.urls import path

from returnhome.imports.direct_reports import views

app_name = "reporting"
urlpatterns = [
    path("", views.my_reports, name="mine"),
    path("missing/", views.report_missing, name="report_missing"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/return/", views.report_return, name="report_return"),
]

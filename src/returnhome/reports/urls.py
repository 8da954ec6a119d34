from django.urls import path

from returnhome.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.indicators_page, name="indicators"),
    path("indicators.csv", views.indicators_download, {"fmt": "csv"}, name="indicators_csv"),
    path("indicators.xlsx", views.indicators_download, {"fmt": "xlsx"}, name="indicators_xlsx"),
]

from django.urls import path

from returnhome.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.indicators_page, name="indicators"),
    path("indicators.csv", views.indicators_download, {"fmt": "csv"}, name="indicators_csv"),
    path("indicators.xlsx", views.indicators_download, {"fmt": "xlsx"}, name="indicators_xlsx"),
]

# Freedom of Information answers (reports/foi_views.py)
from returnhome.reports import foi_views  # noqa: E402

urlpatterns += [
    path("foi/", foi_views.foi_page, name="foi"),
    path("foi/answers.<str:fmt>", foi_views.foi_download, name="foi_download"),
]

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

# Dashboard, weekly missing meeting pack and benchmark (reports/dashboard*.py, meeting_pack*.py,
# benchmark*.py).
from returnhome.reports import (  # noqa: E402
    benchmark_views,
    dashboard_views,
    meeting_pack_views,
)

urlpatterns += [
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path(
        "dashboard/table.<str:fmt>", dashboard_views.dashboard_download, name="dashboard_download"
    ),
    path("meeting-pack/", meeting_pack_views.meeting_pack_page, name="meeting_pack"),
    path("meeting-pack/pack.pdf", meeting_pack_views.meeting_pack_pdf, name="meeting_pack_pdf"),
    path(
        "meeting-pack/table.csv",
        meeting_pack_views.meeting_pack_download,
        {"fmt": "csv"},
        name="meeting_pack_csv",
    ),
    path(
        "meeting-pack/table.xlsx",
        meeting_pack_views.meeting_pack_download,
        {"fmt": "xlsx"},
        name="meeting_pack_xlsx",
    ),
    path("benchmark/", benchmark_views.benchmark_page, name="benchmark"),
    path(
        "benchmark/table.<str:fmt>", benchmark_views.benchmark_download, name="benchmark_download"
    ),
]

# Statutory and inspection returns (reports/export_views.py): the same builders as
# `returnhome export`.
from returnhome.reports import export_views  # noqa: E402

urlpatterns += [
    path("exports/", export_views.exports_page, name="exports"),
    path("exports/<str:name>.<str:fmt>", export_views.export_download, name="export_download"),
]

# Unusual access to children's records, from the audit trail (reports/unusual_access*.py).
from returnhome.reports import unusual_access_views  # noqa: E402

urlpatterns += [
    path("unusual-access/", unusual_access_views.unusual_access_page, name="unusual_access"),
]

# Working with the police: information sharing and police timeliness (reports/police*.py).
from returnhome.reports import police_views  # noqa: E402

urlpatterns += [
    path("police/", police_views.police_page, name="police"),
    path("police/table.<str:fmt>", police_views.police_download, name="police_download"),
]

# Every report page reads from the replica when one is configured (REPORTS_DATABASE_URL,
# core/replica.py); the audit rows they write still go to the primary.
from returnhome.core.replica import reads_reports  # noqa: E402

for _pattern in urlpatterns:
    _pattern.callback = reads_reports(_pattern.callback)

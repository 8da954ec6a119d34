"""The project's URLs plus the reports pages (until the lead wires them into returnhome.urls)."""

from django.urls import URLResolver, include, path

from returnhome.urls import urlpatterns as project_urlpatterns

_wired = any(isinstance(p, URLResolver) and p.namespace == "reports" for p in project_urlpatterns)
urlpatterns = [*project_urlpatterns]
if not _wired:
    urlpatterns.append(path("reports/", include("returnhome.reports.urls")))

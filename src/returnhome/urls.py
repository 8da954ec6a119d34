from django.contrib.auth import views as auth_views
from django.urls import include, path

from returnhome import views
from returnhome.accounts import views as account_views
from returnhome.core import health

urlpatterns = [
    path("", views.home, name="home"),
    # Answered by core.middleware.HealthCheckMiddleware before anything else; listed for reverse().
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("login/", account_views.SignInView.as_view(), name="login"),
    path("login/code/", account_views.sign_in_code, name="login_code"),
    path("login/set-up/", account_views.sign_in_set_up, name="login_set_up"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("children/", include("returnhome.children.urls")),
    path("episodes/", include("returnhome.episodes.urls")),
    path("", include("returnhome.interviews.urls")),
    path("actions/", include("returnhome.followup.urls")),
    path("sharing/", include("returnhome.sharing.urls")),
    path("settings/", include("returnhome.organisations.urls")),
    path("reports/", include("returnhome.reports.urls")),
    path("api/", include("returnhome.imports.api.urls")),
    path("reporting/", include("returnhome.imports.direct_reports.urls")),
    path("", include("returnhome.accounts.urls")),
    path("alerts/", include("returnhome.alerts.urls")),
    path("front-door/", include("returnhome.imports.front_door.urls")),
    path("privacy/", include("returnhome.privacy.urls")),
]

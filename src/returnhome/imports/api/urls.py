"""/api/: the police systems' API (token authentication, not the sign-in page) and its schema."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from returnhome.imports.api import views as api

app_name = "api"
urlpatterns = [
    path(
        "v1/notifications/",
        login_not_required(api.NotificationsView.as_view()),
        name="notifications",
    ),
    path(
        "v1/notifications/<path:police_reference>/",
        login_not_required(api.NotificationStatusView.as_view()),
        name="notification",
    ),
    # YAML; JSON with ?format=json or 'Accept: application/json'. No Swagger UI (strict CSP).
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    # Anything else under /api/: a JSON 404 (never the web pages' HTML or a redirect to sign in).
    re_path(r"^(?P<path>.*)$", login_not_required(api.not_found), name="not_found"),
]

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from returnhome.access.policy import get_visible_or_404
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.alerts import services
from returnhome.alerts.models import Alert
from returnhome.core.paging import page_of


def inbox(request: AuthedHttpRequest) -> HttpResponse:
    alerts = Alert.objects.visible_to(request.user)
    page = page_of(request, alerts)
    unread = alerts.unread().count()
    return render(request, "alerts/inbox.html", {"page": page, "unread": unread})


@require_POST
def open_alert(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Mark the alert read and go to what it is about."""
    alert = get_visible_or_404(request.user, Alert.objects, pk)
    services.mark_read(alert, acting_user=request.user)
    safe = url_has_allowed_host_and_scheme(alert.link, allowed_hosts=None)
    return redirect(alert.link if alert.link and safe else "alerts:inbox")


@require_POST
def mark_all_read(request: AuthedHttpRequest) -> HttpResponse:
    count = services.mark_all_read(acting_user=request.user)
    messages.success(request, f"{count} alert{'' if count == 1 else 's'} marked as read")
    return redirect("alerts:inbox")

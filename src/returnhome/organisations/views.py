from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from returnhome.accounts.rules import is_council_admin
from returnhome.core.errors import require
from returnhome.core.forms import add_service_errors
from returnhome.core.http import AuthedHttpRequest
from returnhome.organisations.forms import ServiceConfigurationForm
from returnhome.organisations.models import ServiceConfiguration
from returnhome.organisations.services import configure_service


def service_settings(request: AuthedHttpRequest) -> HttpResponse:
    council = request.user.organisation
    require(
        is_council_admin(request.user, council), "Only the council's administrator can do this."
    )
    config = ServiceConfiguration.objects.filter(council=council).first()
    initial = {
        "rhi_provider": config.rhi_provider if config else None,
        "clock_start": config.clock_start if config else "return",
        "clock_count": config.clock_count if config else "hours",
    }
    form = ServiceConfigurationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            configure_service(council, acting_user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Service settings saved")
            return redirect("organisations:service")
    rule = council.clock_rule() if council else None
    return render(request, "organisations/service.html", {"form": form, "rule": rule})

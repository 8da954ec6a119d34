from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from returnhome.access.policy import can_configure_service, get_visible_or_404
from returnhome.core.errors import require
from returnhome.core.forms import add_service_errors
from returnhome.organisations.forms import (
    ContractForm,
    EndContractForm,
    ForcesThatMaySendForm,
    ServiceConfigurationForm,
    ServiceDeliveryForm,
)
from returnhome.organisations.models import Contract, Organisation, ServiceConfiguration
from returnhome.organisations.services import (
    ServiceDelivery,
    add_contract,
    allow_forces_to_send,
    change_contract,
    configure_delivery,
    configure_service,
    end_contract,
)


class AuthedHttpRequest(HttpRequest):
    """Behind LoginRequiredMiddleware. organisations sits below accounts, so its pages do not name
    accounts.User: the access policy and the services here take any user."""

    user: Any


def service_settings(request: AuthedHttpRequest) -> HttpResponse:
    council = request.user.organisation
    require(
        can_configure_service(request.user, council),
        "Only the council's administrator can do this.",
    )
    config = ServiceConfiguration.objects.filter(council=council).first()
    initial = {
        "rhi_provider": config.rhi_provider if config else None,
        "clock_start": config.clock_start if config else "return",
        "clock_count": config.clock_count if config else "hours",
        "expected_version": config.version if config else 1,
    }
    form = ServiceConfigurationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            configure_service(council, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Service settings saved")
            return redirect("organisations:service")
    rule = council.clock_rule() if council else None
    context = {
        "form": form,
        "rule": rule,
        "config": config,
        "delivery": _delivery_summary(config),
        "forces_that_may_send": config.forces_that_may_send.all() if config else [],
        "own_force": council.police_force if council else None,
        "contracts": Contract.objects.filter(council=council),
    }
    return render(request, "organisations/service.html", context)


def _delivery_summary(config: ServiceConfiguration | None) -> list[tuple[str, str]]:
    """The delivery settings as (label, value in words) rows for the settings page."""
    form = ServiceDeliveryForm(initial=ServiceDeliveryForm.initial_from(ServiceDelivery.of(config)))
    rows = []
    for bound in form:
        if bound.is_hidden:
            continue
        value = form.initial.get(bound.name)
        field = bound.field
        if isinstance(value, list):
            choices = dict(getattr(field, "choices", []))
            words = ", ".join(str(choices.get(v, v)) for v in value)
        elif hasattr(field, "choices"):
            words = str(dict(field.choices).get(value, value))
        else:
            words = "" if value is None else str(value)
        rows.append((str(bound.label), words or "Not recorded"))
    return rows


def _admin_council(request: AuthedHttpRequest) -> Organisation:
    council = request.user.organisation
    require(
        can_configure_service(request.user, council),
        "Only the council's administrator can do this.",
    )
    assert council is not None
    return council


def service_delivery(request: AuthedHttpRequest) -> HttpResponse:
    council = _admin_council(request)
    config = ServiceConfiguration.objects.filter(council=council).first()
    initial = ServiceDeliveryForm.initial_from(ServiceDelivery.of(config))
    initial["expected_version"] = config.version if config else 1
    form = ServiceDeliveryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            configure_delivery(
                council,
                form.delivery(),
                expected_version=form.cleaned_data["expected_version"],
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Service delivery saved")
            return redirect("organisations:service")
    return render(request, "organisations/delivery.html", {"form": form})


def forces_that_may_send(request: AuthedHttpRequest) -> HttpResponse:
    council = _admin_council(request)
    config = ServiceConfiguration.objects.filter(council=council).first()
    initial = {
        "forces_that_may_send": list(config.forces_that_may_send.all()) if config else [],
        "expected_version": config.version if config else 1,
    }
    # Unbound only for GET: a POST with no box ticked (take every force off the list) is empty.
    data = request.POST if request.method == "POST" else None
    form = ForcesThatMaySendForm(data, initial=initial, council=council)
    if request.method == "POST" and form.is_valid():
        try:
            allow_forces_to_send(
                council,
                form.cleaned_data["forces_that_may_send"],
                expected_version=form.cleaned_data["expected_version"],
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Police forces saved")
            return redirect("organisations:service")
    context = {"form": form, "own_force": council.police_force}
    return render(request, "organisations/forces.html", context)


def contract_form(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    council = _admin_council(request)
    contract = get_visible_or_404(request.user, Contract.objects, pk) if pk else None
    initial = model_to_dict(contract) if contract else {}
    initial["expected_version"] = contract.version if contract else 1
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if contract is None:
                add_contract(council, form.details(), acting_user=request.user)
            else:
                change_contract(
                    contract,
                    form.details(),
                    expected_version=form.cleaned_data["expected_version"],
                    acting_user=request.user,
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Contract saved")
            return redirect("organisations:service")
    context = {"form": form, "contract": contract}
    return render(request, "organisations/contract.html", context)


def contract_end(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _admin_council(request)
    contract = get_visible_or_404(request.user, Contract.objects, pk)
    initial = {"expected_version": contract.version}
    form = EndContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            end_contract(contract, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Contract ended")
            return redirect("organisations:service")
    context = {"form": form, "contract": contract}
    return render(request, "organisations/contract_end.html", context)

"""The retention review queue (docs/privacy.md): a council's records past its retention rule,
for its managers and administrators, each erased (after a confirmation page) or kept longer
with a reason. Anyone else: 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from returnhome.access.policy import can_configure_service, get_visible_or_404, manages_retention
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.children.models import Child, ChildQuerySet
from returnhome.core.audit import record_list_read
from returnhome.core.forms import add_service_errors
from returnhome.core.paging import page_of
from returnhome.organisations.models import Organisation, ServiceConfiguration
from returnhome.organisations.services import RETENTION_FIELDS, configure_retention
from returnhome.privacy import services
from returnhome.privacy.forms import EraseForm, KeepLongerForm, RetentionRuleForm
from returnhome.privacy.records import HELD, child_ids
from returnhome.privacy.retention import RetentionRule, due_for_review, with_last_activity

PAGE_SIZE = 50


def _council(request: AuthedHttpRequest) -> Organisation:
    council = request.user.organisation
    if not manages_retention(request.user, council):
        raise Http404("Not found")
    assert council is not None
    return council


def retention_queue(request: AuthedHttpRequest) -> HttpResponse:
    council = _council(request)
    page = page_of(request, due_for_review(council), PAGE_SIZE)
    record_list_read(request.user, "retention_queue", list(page))
    context = {
        "page": page,
        "rule": RetentionRule.of(council),
        "may_change_rule": can_configure_service(request.user, council),
    }
    return render(request, "privacy/retention_queue.html", context)


def _child(request: AuthedHttpRequest, pk: int, action: str) -> Child:
    council = _council(request)
    children: ChildQuerySet = with_last_activity(
        Child.objects.filter(council=council, merged_into__isnull=True, erased_at__isnull=True)
    )
    return get_visible_or_404(request.user, children, pk, action=action)


def erase(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk, "view_for_erasure")
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.erase_child(
                child, acting_user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Record {child.pk}: the child's personal data was erased")
            return redirect("privacy:retention")
    ids = child_ids(child)
    held = [(h.title, h.about(ids).count(), h.delete) for h in HELD if h.key != "child"]
    context = {"child": child, "form": form, "held": held, "merged": ids[1:]}
    return render(request, "privacy/erase.html", context)


def keep(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk, "view_for_retention")
    form = KeepLongerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.keep_longer(child, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            until = form.cleaned_data["keep_until"]
            messages.success(request, f"{child.full_name}: kept until {until:%d/%m/%Y}")
            return redirect("privacy:retention")
    return render(request, "privacy/keep.html", {"child": child, "form": form})


def retention_rule(request: AuthedHttpRequest) -> HttpResponse:
    """The council's retention rule: its administrator changes it."""
    council = _council(request)
    if not can_configure_service(request.user, council):
        raise Http404("Not found")
    config = ServiceConfiguration.objects.filter(council=council).first()
    config = config or ServiceConfiguration(council=council)  # the defaults, version 1
    initial = {name: getattr(config, name) for name in RETENTION_FIELDS}
    form = RetentionRuleForm(
        request.POST or None, initial={**initial, "expected_version": config.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            configure_retention(council, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Retention rule saved")
            return redirect("privacy:retention")
    return render(request, "privacy/rule.html", {"form": form})

"""Pages of a child placed out of area: the information package (read, kept current), the
packages a host council or force has received (and their receipt), and sharing the interview
records with the host council. What each organisation sees is `access.policy`'s."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from returnhome.access.policy import (
    child_sections,
    get_visible_or_404,
    receives_package,
    receives_packages,
    shares_with_host,
)
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.children import packages
from returnhome.children.forms import PackageForm
from returnhome.children.models import Child, InformationPackage, PackageSend
from returnhome.core.audit import record_list_read
from returnhome.core.errors import require
from returnhome.core.forms import add_service_errors
from returnhome.core.paging import page_of


def _child(request: AuthedHttpRequest, pk: int, action: str = "view") -> Child:
    child = get_visible_or_404(
        request.user, Child.objects.select_related("council"), pk, action=action
    )
    if "package" not in child_sections(request.user, child):
        raise Http404("Not found")
    return child


def package(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The package as it is now, with what comes from the child's record (photographs held, risk
    flags, the missing history), and to whom it was sent."""
    child = _child(request, pk, action="view_package")
    held = InformationPackage.objects.visible_to(request.user).filter(child=child).first()
    sends = PackageSend.objects.visible_to(request.user).filter(package__child=child)
    return render(
        request,
        "children/package.html",
        {
            "child": child,
            "package": held,
            "episodes": child.episodes.order_by("-reported_missing_at"),
            "risk_flags": child.risk_flags.all(),
            "sends": sends.select_related("recipient", "received_by"),
            "can_edit": shares_with_host(request.user, child),
        },
    )


def edit_package(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk)
    require(shares_with_host(request.user, child), "Only the child's council keeps the package.")
    held = packages.package_of(child)
    initial = {name: getattr(held, name) for name in InformationPackage.TEXT_FIELDS}
    form = PackageForm(request.POST or None, initial={**initial, "expected_version": held.version})
    if request.method == "POST" and form.is_valid():
        try:
            packages.update_package(child, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Information package saved")
            return redirect("children:package", pk=child.pk)
    return render(
        request,
        "children/history_form.html",
        {"form": form, "child": child, "title": "Information package"},
    )


def packages_received(request: AuthedHttpRequest) -> HttpResponse:
    """A host council's or force's packages: about children placed in its area."""
    require(receives_packages(request.user))
    page = page_of(
        request,
        PackageSend.objects.visible_to(request.user)
        .filter(recipient_id=request.user.organisation_id)
        .select_related("package__child__council", "received_by")
        .order_by("-sent_at", "-pk"),
    )
    record_list_read(request.user, "list_packages_received", list(page.object_list))
    return render(request, "children/packages_received.html", {"page": page})


@require_POST
def receive_package(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    send = get_visible_or_404(request.user, PackageSend.objects, pk, action="receive_package")
    require(receives_package(request.user, send), "Only the organisation it was sent to.")
    packages.record_package_receipt(send, acting_user=request.user)
    messages.success(request, "Receipt recorded")
    return redirect("children:packages_received")


@require_POST
def share_interviews(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    child = get_visible_or_404(request.user, Child.objects, pk)
    require(shares_with_host(request.user, child), "Only the child's council decides this.")
    shared = request.POST.get("shared") == "yes"
    packages.share_interviews_with_host(child, shared=shared, acting_user=request.user)
    messages.success(
        request,
        "Interview records shared with the host council"
        if shared
        else "Interview records no longer shared with the host council",
    )
    return redirect("children:detail", pk=child.pk)

"""Information-sharing forms: the council's sent forms, the police inbox, sending, a form, and the
force's receipt and feedback. Rules live in `sharing.services` and `access.policy`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from returnhome.access.policy import (
    can_answer_sharing_form,
    can_send_sharing_form,
    get_visible_or_404,
    sees_sent_sharing_forms,
    works_sharing_inbox,
)
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.children.models import Child
from returnhome.core.audit import record_list_read
from returnhome.core.errors import require
from returnhome.core.forms import add_service_errors
from returnhome.core.paging import page_of
from returnhome.episodes.models import Episode
from returnhome.interviews.models import Interview
from returnhome.sharing import services
from returnhome.sharing.forms import FeedbackForm, SharingFormForm, entry_formsets
from returnhome.sharing.models import SharingForm, SharingRecipient, feedback_days

SHOW = {"awaiting": "Waiting for feedback", "overdue": "Overdue", "all": "All"}
RELATED = ("form__child", "form__council", "force", "form__sent_by")


def _recipients(request: AuthedHttpRequest, template: str) -> HttpResponse:
    """A paged list of sendings (a row per force): those waiting for feedback unless `?show=`."""
    show = request.GET.get("show", "awaiting")
    show = show if show in SHOW else "awaiting"
    rows = (
        SharingRecipient.objects.visible_to(request.user)
        .sent_or_received_by(request.user)
        .select_related(*RELATED)
    )
    if show == "awaiting":
        rows = rows.filter(feedback_at__isnull=True)
    elif show == "overdue":
        rows = rows.overdue()
    page = page_of(request, rows.order_by("-sent_at", "pk"))
    record_list_read(request.user, "list_sharing_forms", [r.form for r in page.object_list])
    context = {
        "rows": list(page.object_list),
        "page": page,
        "show": show,
        "shows": SHOW,
        "days": feedback_days(),
    }
    return render(request, template, context)


def sent_forms(request: AuthedHttpRequest) -> HttpResponse:
    """The forms the user's council sent, a row per force, those without feedback first."""
    require(sees_sent_sharing_forms(request.user))
    return _recipients(request, "sharing/sent.html")


def inbox(request: AuthedHttpRequest) -> HttpResponse:
    """The forms sent to the user's force."""
    require(works_sharing_inbox(request.user))
    return _recipients(request, "sharing/inbox.html")


def _from(request: AuthedHttpRequest, child: Child) -> tuple[Episode | None, Interview | None]:
    """The episode or interview the form comes from (`?episode=` / `?interview=`), if any."""
    episode = interview = None
    if request.GET.get("episode"):
        episode = get_visible_or_404(
            request.user, Episode.objects.filter(child=child), request.GET["episode"]
        )
    if request.GET.get("interview"):
        interview = get_visible_or_404(
            request.user, Interview.objects.filter(child=child), request.GET["interview"]
        )
    return episode, interview


def new_form(request: AuthedHttpRequest, child_pk: int) -> HttpResponse:
    child = get_visible_or_404(request.user, Child.objects.current(), child_pk)
    require(can_send_sharing_form(request.user, child), "You cannot send this child's information.")
    episode, interview = _from(request, child)
    data = request.POST if request.method == "POST" else None
    form, entries = SharingFormForm(data), entry_formsets(data)
    if data is not None and form.is_valid() and all(fs.is_valid() for _, _, fs in entries):
        found = [e for *_, fs in entries for f in fs.forms if (e := f.entry()) is not None]
        details = services.SharingDetails(**form.cleaned_data, entries=found)
        try:
            sent = services.send_sharing_form(
                child, details, episode=episode, interview=interview, acting_user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Sent to the police")
            return redirect("sharing:form", pk=sent.pk)
    context = {"child": child, "form": form, "entries": entries, "episode": episode}
    context |= {"interview": interview, "forces": services.forces_for(child)}
    return render(request, "sharing/new.html", context, status=400 if form.errors else 200)


def form_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    form = get_visible_or_404(
        request.user, SharingForm.objects.select_related("child", "council", "sent_by"), pk
    )
    recipients = list(
        SharingRecipient.objects.visible_to(request.user)
        .filter(form=form)
        .select_related("force", "received_by", "feedback_by")
    )
    mine = next((r for r in recipients if can_answer_sharing_form(request.user, r)), None)
    context = {"form": form, "recipients": recipients, "mine": mine, "entries": form.entries.all()}
    return render(request, "sharing/detail.html", context)


def _my_sending(request: AuthedHttpRequest, pk: int) -> SharingRecipient:
    form = get_visible_or_404(request.user, SharingForm.objects.all(), pk)
    recipient = SharingRecipient.objects.filter(form=form, force_id=request.user.organisation_id)
    found = recipient.select_related("form").first()
    require(found is not None and can_answer_sharing_form(request.user, found))
    assert found is not None
    return found


@require_POST
def acknowledge(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    services.acknowledge_sharing_form(_my_sending(request, pk), acting_user=request.user)
    messages.success(request, "Receipt recorded")
    return redirect("sharing:form", pk=pk)


def feedback(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    recipient = _my_sending(request, pk)
    initial = {"feedback": recipient.feedback, "expected_version": recipient.version}
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_sharing_feedback(
                recipient, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Feedback recorded")
            return redirect("sharing:form", pk=pk)
    context = {"form": form, "recipient": recipient, "sharing": recipient.form}
    return render(request, "sharing/feedback.html", context, status=400 if form.errors else 200)

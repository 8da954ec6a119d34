"""Issue 13, items 3 and 4: the RHI guides (task list, an arranged interview is its offer and
acceptance, return for changes) and the interview form never loses work (drafts, sections,
a half-filled action refused, every error at once)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from returnhome.alerts.models import Alert
from returnhome.core.models import AuditEvent
from returnhome.interviews import services
from returnhome.interviews.models import RHI, ContactAttempt, Interview, InterviewDraft
from returnhome.interviews.returns import resubmit_interview, return_interview
from returnhome.interviews.services import ActionProposal, InterviewDetails
from returnhome.interviews.tasks import tasks_for
from tests.conftest import Cast
from tests.factories import ago
from tests.interviews.test_rhi_services import interview, offered_and_accepted


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def allocated(cast: Cast, rhi: RHI) -> RHI:
    return services.allocate_rhi(
        rhi, cast.practitioner, expected_version=None, acting_user=cast.manager
    )


def parts(name: str, when: object) -> dict[str, str]:
    """A moment as the GOV.UK date input posts it."""
    from django.utils import timezone

    local = timezone.localtime(when)  # type: ignore[arg-type]
    return {
        f"{name}_day": str(local.day),
        f"{name}_month": str(local.month),
        f"{name}_year": str(local.year),
        f"{name}_time": f"{local:%H:%M}",
    }


class TestTaskList:
    def test_the_next_step_moves_on_as_the_rhi_does(self, cast: Cast, returned_rhi: RHI) -> None:
        def following() -> str:
            rhi = RHI.objects.get(pk=returned_rhi.pk)
            return next(t.slug for t in tasks_for(rhi, cast.manager, 0) if t.is_next)

        assert following() == "allocate"
        allocated(cast, returned_rhi)
        assert following() == "contact"
        offered_and_accepted(cast, RHI.objects.get(pk=returned_rhi.pk))
        assert following() == "interview"
        record = interview(cast, [RHI.objects.get(pk=returned_rhi.pk)])
        assert following() == "review"
        services.review_interview(
            record,
            responses={a.pk: ("agreed", "") for a in record.actions.all()},
            acting_user=cast.manager,
        )
        assert not any(
            t.is_next for t in tasks_for(RHI.objects.get(pk=returned_rhi.pk), cast.manager, 0)
        )

    def test_a_declined_rhi_has_no_next_step(self, cast: Cast, returned_rhi: RHI) -> None:
        allocated(cast, returned_rhi)
        services.record_outcome(
            RHI.objects.get(pk=returned_rhi.pk),
            outcome="not_applicable",
            note="Moved abroad",
            expected_version=None,
            acting_user=cast.practitioner,
        )
        tasks = tasks_for(RHI.objects.get(pk=returned_rhi.pk), cast.practitioner, 0)
        assert not any(t.is_next for t in tasks)
        assert {t.status for t in tasks if t.slug in {"interview", "review"}} <= {
            "Not needed",
            "Cannot start yet",
        }


class TestArrangedContact:
    def test_an_arranged_interview_records_the_offer_and_the_acceptance(
        self, cast: Cast, returned_rhi: RHI
    ) -> None:
        rhi = allocated(cast, returned_rhi)
        when = ago(hours=2)
        services.log_contact_attempt(
            rhi,
            attempted_at=when,
            method=ContactAttempt.Method.PHONE,
            contacted=ContactAttempt.Contacted.PARENT,
            result=ContactAttempt.Result.ARRANGED,
            acting_user=cast.practitioner,
        )
        rhi.refresh_from_db()
        assert rhi.offer_made_at == when and rhi.offered_to == RHI.OfferedTo.PARENT_CARER
        assert rhi.outcome == RHI.Outcome.ACCEPTED and rhi.status == RHI.Status.ACCEPTED
        audit = AuditEvent.objects.filter(action="record_offer_and_acceptance").get()
        assert set(audit.detail["fields"]) >= {"offer_made_at", "outcome", "status"}

    def test_an_offer_already_made_is_kept(self, cast: Cast, returned_rhi: RHI) -> None:
        rhi = allocated(cast, returned_rhi)
        first = ago(hours=5)
        services.record_offer(
            rhi, offer_made_at=first, offered_to="child", expected_version=None,
            acting_user=cast.practitioner,
        )  # fmt: skip
        services.log_contact_attempt(
            rhi, attempted_at=ago(hours=1), method="phone", contacted="child", result="arranged",
            acting_user=cast.practitioner,
        )  # fmt: skip
        rhi.refresh_from_db()
        assert rhi.offer_made_at == first and rhi.outcome == RHI.Outcome.ACCEPTED

    def test_no_answer_records_nothing_more(self, cast: Cast, returned_rhi: RHI) -> None:
        rhi = allocated(cast, returned_rhi)
        services.log_contact_attempt(
            rhi, attempted_at=ago(hours=1), method="phone", contacted="child", result="no_answer",
            acting_user=cast.practitioner,
        )  # fmt: skip
        rhi.refresh_from_db()
        assert rhi.offer_made_at is None and rhi.outcome == ""


class TestReturnForChanges:
    def test_returned_alerted_changed_and_submitted_again(
        self, cast: Cast, returned_rhi: RHI
    ) -> None:
        record = interview(cast, [offered_and_accepted(cast, returned_rhi)])
        with pytest.raises(ValidationError) as refused:
            return_interview(record, comment=" ", expected_version=None, acting_user=cast.manager)
        assert "return_comment" in refused.value.message_dict
        record.refresh_from_db()  # the refused attempt's version bump rolled back
        return_interview(
            record, comment="Add what the child said.", expected_version=record.version,
            acting_user=cast.manager,
        )  # fmt: skip
        returned_rhi.refresh_from_db()
        assert returned_rhi.status == RHI.Status.RETURNED
        alert = Alert.objects.get(recipient=cast.practitioner, kind=Alert.Kind.INTERVIEW_RETURNED)
        assert "Add what" not in alert.title  # alerts name no one and quote nothing
        with pytest.raises(ValidationError):  # not reviewed while it waits for changes
            services.review_interview(record, responses={}, acting_user=cast.manager)

        record.refresh_from_db()
        details = InterviewDetails(
            "interview", record.held_at, "home", "face_to_face", time_alone=True,
            box_o={"childs_words": "I was at my cousin's."},
        )  # fmt: skip
        resubmit_interview(
            record, details, [ActionProposal("Call the school", "education")],
            expected_version=record.version, acting_user=cast.practitioner,
        )  # fmt: skip
        record.refresh_from_db()
        returned_rhi.refresh_from_db()
        assert record.childs_words == "I was at my cousin's." and record.submitted_at
        assert returned_rhi.status == RHI.Status.AWAITING_REVIEW
        assert record.actions.count() == 2
        assert Interview.objects.awaiting_review().filter(pk=record.pk).exists()


class TestDrafts:
    def section(self, rhi: RHI, slug: str, *, autosave: bool = False) -> str:
        name = "interviews:interview_autosave" if autosave else "interviews:interview_section"
        return reverse(name, args=[rhi.pk, "interview", slug])

    def test_autosave_keeps_work_and_never_makes_the_submit_stale(
        self, cast: Cast, returned_rhi: RHI
    ) -> None:
        rhi = offered_and_accepted(cast, returned_rhi)
        version = RHI.objects.get(pk=rhi.pk).version
        client = signed_in(cast.practitioner)
        saved = client.post(
            self.section(rhi, "interview", autosave=True),
            {**parts("held_at", ago(hours=1)), "place": "home", "mode": "face_to_face",
             "time_alone": "yes"},
        )  # fmt: skip
        assert saved.status_code == 200 and "saved_at" in saved.json()
        client.post(
            self.section(rhi, "said", autosave=True), {"childs_words": "At a friend's flat"}
        )
        client.post(
            self.section(rhi, "said", autosave=True), {"childs_words": "At a friend's flat."}
        )
        draft = InterviewDraft.objects.get(rhi=rhi, author=cast.practitioner)
        assert draft.data["childs_words"] == ["At a friend's flat."]
        assert draft.data["place"] == ["home"]  # another section's answers kept
        assert RHI.objects.get(pk=rhi.pk).version == version  # the autosave moved no version
        # Another user opening the form sees none of it.
        other = signed_in(cast.manager).get(self.section(rhi, "said"))
        assert "friend" not in other.content.decode()

        check = reverse("interviews:interview_check", args=[rhi.pk, "interview"])
        done = client.post(check)
        assert done.status_code == 302, done.context and done.context["problems"]
        record = Interview.objects.get(recorded_for=rhi)
        assert record.childs_words == "At a friend's flat." and record.place == "home"
        assert not InterviewDraft.objects.filter(rhi=rhi).exists()

    def test_every_error_at_once_and_a_half_filled_action_is_not_dropped(
        self, cast: Cast, returned_rhi: RHI
    ) -> None:
        rhi = offered_and_accepted(cast, returned_rhi)
        client = signed_in(cast.practitioner)
        client.post(
            self.section(rhi, "actions", autosave=True),
            {"actions-TOTAL_FORMS": "3", "actions-INITIAL_FORMS": "0",
             "actions-0-owner": "Jo Smith", **parts("actions-0-due_date", ago(hours=-48))},
        )  # fmt: skip
        page = client.get(reverse("interviews:interview_check", args=[rhi.pk, "interview"]))
        problems = [error for error, _url in page.context["problems"]]
        assert "Enter the date and time of the interview" in problems
        assert "Select where the interview took place" in problems
        assert any(p.startswith("Action 1: Describe the proposed action") for p in problems)
        assert page.content.decode().count("<title>Error: ") == 1
        assert (
            client.post(
                reverse("interviews:interview_check", args=[rhi.pk, "interview"])
            ).status_code
            == 200
        )
        assert not Interview.objects.exists()

    def test_a_section_shows_only_its_own_errors(self, cast: Cast, returned_rhi: RHI) -> None:
        rhi = offered_and_accepted(cast, returned_rhi)
        client = signed_in(cast.practitioner)
        page = client.post(self.section(rhi, "interview"), {"held_at_day": "3", "place": "home"})
        errors = page.context["form"].errors
        assert errors["held_at"] == ["The date of the interview must include a month and year"]
        assert "mode" in errors and "childs_words" not in errors
        moved = client.post(self.section(rhi, "said"), {"childs_words": "Words"})
        assert moved.status_code == 302  # a later part is not held up by an earlier one

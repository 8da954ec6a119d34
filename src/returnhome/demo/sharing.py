"""The demo's information-sharing forms (Box P): after the main council's interviews that found
exploitation in the last six months, the practitioner sends a form to the police; the demo force
acknowledges most and gives feedback on most of those, so the police page has figures, the
force's inbox has new forms, and a few old ones wait for feedback (the team page's notice)."""

from __future__ import annotations

import datetime as dt

from returnhome.access.policy import can_send_sharing_form
from returnhome.accounts.models import User
from returnhome.interviews.models import Interview
from returnhome.sharing.models import SharingRecipient
from returnhome.sharing.services import (
    Entry,
    SharingDetails,
    acknowledge_sharing_form,
    record_sharing_feedback,
    send_sharing_form,
)

from .state import DemoState

FEEDBACK = (
    "Added to the intelligence system; the address is flagged for the neighbourhood team.",
    "Vehicle registration added to the ANPR watch list.",
    "Shared with the exploitation team; the adult named is known and under investigation.",
    "Checked: nothing further known. Recorded for the missing person's profile.",
)


class SharingStage(DemoState):
    def share_with_police(self) -> int:
        """Send a form after each recent interview that identified exploitation; the force
        answers most. Returns how many forms were sent."""
        since = self.now - dt.timedelta(days=183)
        interviews = (
            Interview.objects.filter(
                council=self.main, kind=Interview.Kind.INTERVIEW, held_at__gte=since
            )
            .exclude(cce_identified=False, cse_identified=False)
            .select_related("child", "conducted_by")
            .order_by("held_at", "pk")
        )
        police = self.users["police"]
        sent = 0
        for interview in interviews:
            sender = self._sender(interview)
            at = self.office(interview.held_at + self.minutes(1, 30))
            if at >= self.now:
                continue
            form = send_sharing_form(
                interview.child,
                self._details(interview),
                interview=interview,
                acting_user=sender,
                now=at,
            )
            sent += 1
            for sending in SharingRecipient.objects.filter(form=form, force=police.organisation):
                self._answer(sending, police)
        return sent

    def _sender(self, interview: Interview) -> User:
        worker: User = interview.conducted_by
        return (
            worker if can_send_sharing_form(worker, interview.child) else self.users["practitioner"]
        )

    def _details(self, interview: Interview) -> SharingDetails:
        categories = [
            code
            for code, found in (
                ("cce", interview.cce_identified),
                ("cse", interview.cse_identified),
            )
            if found
        ]
        entries = []
        if interview.people_of_concern:
            entries.append(Entry("person", interview.people_of_concern[:200]))
        if interview.places_of_concern:
            entries.append(Entry("place", interview.places_of_concern[:200]))
        consent = self.rng.random() < 0.6
        return SharingDetails(
            categories=[*categories, "associates"] if entries else categories,
            key_information="What the child described at the return interview, as recorded.",
            source="child",
            source_evaluation=self.rng.choice(["1", "2"]),
            assessment=self.rng.choice(["A", "B", "C"]),
            lawful_basis="child_consent" if consent else "safeguarding",
            basis_reason="" if consent else "Risk of exploitation: sharing protects the child.",
            entries=entries,
        )

    def _answer(self, sending: SharingRecipient, police: User) -> None:
        """Most are acknowledged within two days; most of those get feedback within three weeks."""
        fate = self.rng.random()
        received = sending.sent_at + self.minutes(2, 48)
        if fate < 0.1 or received >= self.now:
            return
        acknowledge_sharing_form(sending, acting_user=police, now=received)
        answered = received + self.minutes(24, 24 * 21)
        if fate < 0.25 or answered >= self.now:
            return
        record_sharing_feedback(
            sending,
            feedback=self.rng.choice(FEEDBACK),
            expected_version=None,
            acting_user=police,
            now=answered,
        )

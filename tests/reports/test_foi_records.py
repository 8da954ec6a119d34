"""FOI answers from the records (issue 12, item 6): no answer of seed-003 is fixed text claiming a
practice; who delivers is where the period's RHIs went (the configuration only where the records
are silent); the sharing answer is the forms actually sent."""

from __future__ import annotations

import datetime as dt

from returnhome.children.models import Placement, RHIArrangement
from returnhome.interviews.models import RHI
from returnhome.organisations.models import DeliveredBy, Organisation
from returnhome.organisations.services import ServiceDelivery, configure_delivery
from returnhome.reports.foi import answer_questionnaire
from returnhome.reports.questionnaire import find
from returnhome.sharing.services import SharingDetails, send_sharing_form
from tests.conftest import Cast
from tests.factories import ChildFactory, CouncilFactory, OrganisationFactory
from tests.reports.test_foi import JUNE, SHIPPED, text_of


def test_no_text_answer_of_a_shipped_questionnaire_is_fixed() -> None:
    """Every text answer is filled from figures: a sentence with no figure in it would be a
    claim about practice that no record backs."""
    for name in SHIPPED:
        for question in find(name).questions:
            for part in question.parts:
                if part["kind"] == "text":
                    assert "{" in part["template"], (name, question.label)


def test_who_delivers_is_where_the_periods_rhis_went(june: Cast) -> None:
    charity = OrganisationFactory(kind=Organisation.Kind.PROVIDER, name="Open Door")
    RHI.objects.filter(council=june.council).update(provider=charity)
    answers = text_of(answer_questionnaire(find("seed-003"), june.council, *JUNE))
    total = RHI.objects.filter(council=june.council, episode__reported_missing_at__month=6).count()
    assert answers["1a"].startswith(
        f"Yes. Of the period's {total} RHIs: Open Door (a commissioned organisation): {total}."
    )
    assert answers["1b"].startswith(f"No. The period's {total} RHIs went to: Open Door")
    assert "Open Door (a commissioned organisation)" in answers["1"]


def test_a_combination_of_deliverers_for_children_placed_out(june: Cast) -> None:
    charity = OrganisationFactory(kind=Organisation.Kind.PROVIDER, name="Open Door")
    lac_out = RHI.objects.filter(council=june.council, episode__group="LAC-out").order_by("pk")
    assert lac_out.count() == 2
    RHI.objects.filter(pk=lac_out[0].pk).update(provider=charity)
    answers = text_of(answer_questionnaire(find("seed-003"), june.council, *JUNE))
    assert "A combination: the period's RHIs for these children went to" in answers["OA 9"]
    assert "Open Door (a commissioned organisation): 1" in answers["OA 9"]
    assert "(the council's own team): 1" in answers["OA 9"]


def test_where_the_records_are_silent_the_configuration_answers(june: Cast) -> None:
    configure_delivery(
        june.council,
        ServiceDelivery(lac_out_rhi_by=DeliveredBy.THIRD_SECTOR, lac_out_rhi_by_name="Open Door"),
        expected_version=None,
        acting_user=june.admin,
    )
    quiet = (dt.date(2020, 1, 1), dt.date(2020, 1, 31))
    answers = text_of(answer_questionnaire(find("seed-003"), june.council, *quiet))
    assert answers["OA 9"].startswith("The records hold no placement outside the council's area")
    assert "The period's records hold no RHI for these children" in answers["OA 9"]
    assert "Open Door (a third-sector" in answers["OA 9"]


def test_the_sharing_answer_is_the_forms_actually_sent(june: Cast) -> None:
    answers = text_of(answer_questionnaire(find("seed-003"), june.council, *JUNE))
    assert "No information-sharing form was sent to the police in the period." in answers["7b"]
    child = ChildFactory(council=june.council)
    june_day = dt.datetime(2025, 6, 10, 12, tzinfo=dt.UTC)
    details = SharingDetails(["cse"], "Known adult", "child", "1", "A", "child_consent")
    send_sharing_form(child, details, acting_user=june.practitioner, now=june_day)
    answers = text_of(answer_questionnaire(find("seed-003"), june.council, *JUNE))
    assert "sent to the police 1 times in the period" in answers["7b"]
    assert f"{june.police_force.name} | 1 | 0 | 0 | n/a" in answers["7b"]
    assert "shared with the police on a separate information sharing form" not in answers["7b"]


def test_out_of_area_options_from_the_placements_arrangements(june: Cast) -> None:
    """Seed-003 question 9: the arrangements recorded on the council's placements outside its
    area in the period — several kinds make "a combination"; "case by case" is one of them."""
    charity = OrganisationFactory(kind=Organisation.Kind.PROVIDER, name="Open Door")
    host = CouncilFactory(name="Host Council")
    Placement.objects.filter(child__council=june.council).update(out_of_area=False)
    for arrangement, provider, start in (
        (RHIArrangement.CASE_BY_CASE, host, dt.date(2025, 1, 1)),
        (RHIArrangement.COMMISSIONED, charity, dt.date(2025, 6, 30)),
        (RHIArrangement.COMMISSIONED, charity, dt.date(2025, 7, 1)),  # after the period
    ):
        Placement.objects.create(
            child=ChildFactory(council=june.council),
            placement_type="foster",
            council_area=host,
            start_date=start,
            out_of_area=True,
            rhi_arrangement=arrangement,
            rhi_provider=provider,
        )
    answers = text_of(answer_questionnaire(find("seed-003"), june.council, *JUNE))
    assert answers["OA 9"].startswith(
        "A combination, placement by placement: of the 2 placements outside the council's area "
        "in the period, the arrangement for who interviews the child if they go missing: "
        "a commissioned provider (Open Door): 1 placement; decided case by case with the named "
        "organisation (Host Council): 1 placement."
    )


def test_children_placed_out_and_placed_here_are_counted_from_the_placements(
    june: Cast,
) -> None:
    """Seed-003 OA 2a and OA 5a: from the placements the records hold, in force at any time in the
    period, each answer saying what it cannot count (placements never recorded here)."""
    from returnhome.children import services as child_services

    answers = text_of(answer_questionnaire(find("seed-003"), june.council, *JUNE))
    # The scenario: one child of the council placed in the partner's area; two children the
    # council holds records of, looked after by the partner council (its own Hosted records).
    assert answers["OA 2a"].startswith(
        "1 child in the council's care had a placement outside its area recorded at some time "
        f"in the period (by the area placed in: {june.partner_council.name}: 1)."
    )
    assert "Only placements recorded in this system are counted" in answers["OA 2a"]
    assert answers["OA 5a"].startswith(
        "2 children looked after by other councils were placed in the council's area at some "
        "time in the period (held on the council's own records: 2)."
    )
    # A child the partner council placed here (on its record, issue 12) counts for this council;
    # a placement that ended before the period does not.
    theirs = ChildFactory(council=june.partner_council)
    for start, end in ((dt.date(2025, 5, 1), None), (dt.date(2024, 1, 1), dt.date(2025, 4, 30))):
        child_services.record_placement(
            theirs if end is None else ChildFactory(council=june.partner_council),
            placement_type=Placement.Type.FOSTER,
            council_area=june.council,
            start_date=start,
            end_date=end,
            acting_user=None,
        )
    answers = text_of(answer_questionnaire(find("seed-003"), june.council, *JUNE))
    assert answers["OA 5a"].startswith(
        "3 children looked after by other councils were placed in the council's area at some "
        f"time in the period ({june.partner_council.name}: 1; held on the council's own "
        "records: 2)."
    )

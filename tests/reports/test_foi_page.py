"""The FOI answers page and its downloads: the same answers as the command, for report readers."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from returnhome.core.models import AuditEvent
from tests.conftest import Cast

pytestmark = pytest.mark.urls("tests.reports.urls_for_tests")

JUNE = {"questionnaire": "seed-003", "date_from": "2025-06-01", "date_to": "2025-06-30"}
ALLOWED = {"performance", "manager", "admin", "partner"}  # partner: a manager at its own council


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize(
    "who", ["practitioner", "front_door", "police", "reporter", "social_worker", "outsider"]
)
def test_only_report_readers_get_in(cast: Cast, who: str) -> None:
    client = client_for(getattr(cast, who))
    assert client.get(reverse("reports:foi"), JUNE).status_code in (403, 404)
    assert client.get(reverse("reports:foi_download", args=["pdf"]), JUNE).status_code in (403, 404)


def test_the_page_answers_every_question(june: Cast) -> None:
    response = client_for(june.performance).get(reverse("reports:foi"), JUNE)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="app-foi-answer"') == 32
    assert "8 of the 11 episodes (72.7%) were offered an RHI" in html
    assert "Not held" in html
    assert "reported missing from 1 June 2025 to 30 June 2025 inclusive" in html
    event = AuditEvent.objects.get(action="report_foi", actor=june.performance)
    assert event.detail == {
        "questionnaire": "seed-003",
        "from": "2025-06-01",
        "to": "2025-06-30",
        "format": "html",
    }


def test_the_empty_form_shows_no_answers(cast: Cast) -> None:
    response = client_for(cast.manager).get(reverse("reports:foi"))
    assert response.status_code == 200
    assert b"app-foi-answer" not in response.content
    assert b"seed-001" in response.content


def test_a_bad_period_is_a_form_error(cast: Cast) -> None:
    response = client_for(cast.admin).get(
        reverse("reports:foi"), {**JUNE, "date_from": "2025-07-01"}
    )
    assert response.status_code == 400
    assert b"The end date must be the same as or after the start date" in response.content


def test_downloads(june: Cast) -> None:
    client = client_for(june.manager)
    docx = client.get(reverse("reports:foi_download", args=["docx"]), JUNE)
    assert docx.status_code == 200
    assert 'filename="foi-seed-003-' in docx["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "5 of the 8 offers (62.5%) were accepted." in text
    pdf = client.get(reverse("reports:foi_download", args=["pdf"]), JUNE)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    md = client.get(reverse("reports:foi_download", args=["md"]), JUNE)
    assert "2 of the 4 episodes with an RHI (50.0%)" in md.content.decode()
    assert client.get(reverse("reports:foi_download", args=["exe"]), JUNE).status_code == 404
    formats = set(
        AuditEvent.objects.filter(action="report_foi").values_list("detail__format", flat=True)
    )
    assert formats == {"docx", "pdf", "md"}

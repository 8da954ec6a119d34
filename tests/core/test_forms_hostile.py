"""Hostile input on the web forms (issue 11, items 6 and 8): NUL or another control character in
any text field, and a date no one means, are field errors naming the field, never a 500 (NUL
reached PostgreSQL, which refuses it) and never stored (a control character in a name broke every
XLSX holding it). Every form in returnhome is a `core.forms.Form`, so every form keeps the rule."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

import returnhome
from returnhome.children.models import Child
from returnhome.core.forms import Form
from returnhome.episodes.models import DirectReport
from tests.conftest import Cast
from tests.web.test_reporting_pages import form as report_form


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_form_in_returnhome_is_a_core_form() -> None:
    for module in pkgutil.walk_packages(returnhome.__path__, "returnhome."):
        if ".migrations" not in module.name and not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    ours = {f for f in _subclasses(forms.BaseForm) if f.__module__.startswith("returnhome.")}
    assert len(ours) > 20  # every app's forms were found
    assert {f"{f.__module__}.{f.__name__}" for f in ours if not issubclass(f, Form)} == set()


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _child_post(child: Child, **overrides: str) -> dict[str, str]:
    data = {
        "forename": child.forename,
        "surname": child.surname,
        "date_of_birth": child.date_of_birth.isoformat() if child.date_of_birth else "",
        "sex": child.sex,
        "la_child_id": child.la_child_id or "",
        "nhs_number": "",
        "address": "",
        "postcode": "",
        "expected_version": str(child.version),  # the version the edit form was loaded with
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("surname", "Br\x00own", "Last name contains a NUL character (\\u0000) at position 3"),
        ("forename", "Ame\x0blia", "First name contains a control character (\\u000b)"),
        ("address", "1 High St\x00", "Address contains a NUL character"),
        ("date_of_birth", "0001-01-01", "Date of birth must be between 1 January 1900"),
        ("date_of_birth", "9999-12-31", "and 31 December 2100"),
    ],
)
def test_the_child_edit_form_refuses_nul_control_characters_and_absurd_dates(
    cast: Cast, child: Child, field: str, value: str, words: str
) -> None:
    before = Child.objects.values().get(pk=child.pk)
    response = _signed_in(cast.front_door).post(
        reverse("children:edit", args=[child.pk]), _child_post(child, **{field: value})
    )
    assert response.status_code == 200
    assert any(words in error for error in response.context["form"].errors[field])
    page = response.content.decode()
    # a date links to its first box (day, month, year: the GOV.UK date input)
    target = f"id_{field}_day" if field == "date_of_birth" else f"id_{field}"
    assert "govuk-error-summary" in page and f'href="#{target}"' in page
    assert Child.objects.values().get(pk=child.pk) == before  # nothing saved


def test_tab_and_new_lines_are_still_text(cast: Cast, child: Child) -> None:
    response = _signed_in(cast.front_door).post(
        reverse("children:edit", args=[child.pk]),
        _child_post(child, address="1 High Street\r\nTestville\tTE1 1ST"),
    )
    assert response.status_code == 302
    assert Child.objects.get(pk=child.pk).address.startswith("1 High Street")


@pytest.mark.parametrize(
    ("field", "value"),
    [("surname", "Page\x00child"), ("vehicles", "Silver van\x00"), ("concerns", "A\x1bB")],
)
def test_the_direct_report_form_refuses_nul_and_control_characters(
    cast: Cast, field: str, value: str
) -> None:
    response = _signed_in(cast.reporter).post(
        reverse("reporting:report_missing"), report_form(cast, **{field: value})
    )
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any("contains a" in e and "remove it" in e for e in errors), errors
    assert "govuk-error-summary" in response.content.decode()
    assert not DirectReport.objects.exists()


def test_a_search_box_refuses_nul(cast: Cast, child: Child) -> None:
    """The child search too (a NUL reached a LIKE query); it is sent by POST, so a name never
    reaches a URL or a log."""
    response = _signed_in(cast.front_door).post(reverse("children:list"), {"q": "Co\x00oper"})
    assert response.status_code == 200
    assert response.context["find"].errors["q"]
    assert "contains a NUL character" in response.content.decode()

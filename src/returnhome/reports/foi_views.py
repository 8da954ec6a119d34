"""Freedom of Information answers in the web app: the same builder as `returnhome report foi`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from returnhome.accounts.http import AuthedHttpRequest
from returnhome.core.audit import record_read
from returnhome.organisations.models import Organisation
from returnhome.reports.foi import AnswerDocument, answer_questionnaire
from returnhome.reports.questionnaire import QuestionnaireError, find, load_all
from returnhome.reports.views import PeriodForm, _council, default_period

FIELDS = ("questionnaire", "date_from", "date_to")
DOWNLOADS = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


class FoiForm(PeriodForm):
    questionnaire = forms.ChoiceField(label="Questionnaire", widget=forms.RadioSelect)
    field_order = ["questionnaire", "date_from", "date_to"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        found, _problems = load_all()
        field = self.fields["questionnaire"]
        assert isinstance(field, forms.ChoiceField)
        # Told apart by the request each answers, in words (the file's name is for the command line).
        field.choices = [
            (q.name, f"{q.title} \u2014 {q.source}" if q.source else q.title) for q in found
        ]
        if found:
            self.initial.setdefault("questionnaire", found[0].name)


def _document(
    request: AuthedHttpRequest, council: Organisation, fmt: str
) -> tuple[FoiForm, AnswerDocument | None]:
    start, end = default_period(timezone.localdate())
    bound = any(name in request.GET for name in FIELDS)
    form = FoiForm(request.GET if bound else None, initial={"date_from": start, "date_to": end})
    if not bound or not form.is_valid():
        return form, None
    data = form.cleaned_data
    try:
        questionnaire = find(data["questionnaire"])
    except (LookupError, QuestionnaireError) as error:
        form.add_error("questionnaire", str(error))
        return form, None
    document = answer_questionnaire(questionnaire, council, data["date_from"], data["date_to"])
    record_read(
        request.user,
        council,
        "report_foi",
        questionnaire=questionnaire.name,
        format=fmt,
        **{"from": data["date_from"].isoformat(), "to": data["date_to"].isoformat()},
    )
    return form, document


def foi_page(request: AuthedHttpRequest) -> HttpResponse:
    council = _council(request)
    form, document = _document(request, council, "html")
    query = urlencode({name: request.GET.get(name, "") for name in FIELDS})
    context = {"form": form, "council": council, "document": document, "query": query}
    status = 400 if form.is_bound and document is None else 200
    return render(request, "reports/foi.html", context, status=status)


def foi_download(request: AuthedHttpRequest, fmt: str) -> HttpResponse:
    council = _council(request)
    if fmt not in DOWNLOADS:
        raise Http404("Not found")
    form, document = _document(request, council, fmt)
    if document is None:
        context = {"form": form, "council": council, "document": None}
        return render(request, "reports/foi.html", context, status=400)
    if fmt == "md":
        body: bytes = document.to_markdown().encode("utf-8")
    else:
        body = document.to_docx() if fmt == "docx" else document.to_pdf()
    name = (
        f"foi-{document.questionnaire.name}-{council.la_code or council.pk}-"
        f"{document.date_from}-{document.date_to}.{fmt}"
    )
    response = HttpResponse(body, content_type=DOWNLOADS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

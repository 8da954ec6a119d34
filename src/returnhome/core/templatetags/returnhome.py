"""Template helpers: deadlines, durations, statuses as GOV.UK tags."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms, template
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from returnhome.lib.groups import GROUP_LABELS, Group, group_counted_by

register = template.Library()


def _span(delta: dt.timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins}m"
    return f"{mins}m"


@register.filter
def duration(delta: dt.timedelta | None) -> str:
    return _span(delta) if delta is not None else ""


@register.simple_tag
def deadline_tag(rhi: Any, now: dt.datetime | None = None) -> SafeString:
    """Overdue (red), due within 24 hours (yellow) or due later, for a waiting RHI."""
    now = now or timezone.now()
    if rhi.due_at is None:
        return mark_safe('<strong class="govuk-tag govuk-tag--grey">No deadline</strong>')
    if not rhi.is_waiting:
        return format_html(
            '<strong class="govuk-tag govuk-tag--grey">{}</strong>', rhi.get_status_display()
        )
    left = rhi.due_at - now
    if rhi.is_overdue(now):
        return format_html(
            '<strong class="govuk-tag govuk-tag--red app-overdue">Overdue by {}</strong>',
            _span(left),
        )
    colour = "yellow" if left < dt.timedelta(hours=24) else "green"
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">Due in {}</strong>', colour, _span(left)
    )


STATUS_COLOURS = {
    "awaiting_allocation": "orange",
    "allocated": "blue",
    "offered": "light-blue",
    "accepted": "turquoise",
    "awaiting_review": "purple",
    "returned": "orange",
    "closed": "grey",
    "proposed": "purple",
    "agreed": "blue",
    "rejected": "grey",
    "in_progress": "light-blue",
    "done": "green",
    "not_done": "red",
}


@register.simple_tag
def status_tag(obj: Any) -> SafeString:
    colour = STATUS_COLOURS.get(obj.status, "grey")
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, obj.get_status_display()
    )


RISK_COLOURS = {"high": "red", "medium": "orange", "low": "yellow", "no apparent risk": "grey"}


@register.simple_tag
def risk_tag(episode: Any) -> SafeString:
    if not episode.risk_level:
        return mark_safe('<strong class="govuk-tag govuk-tag--grey">Risk not known</strong>')
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
        RISK_COLOURS.get(episode.risk_level, "grey"),
        episode.get_risk_level_display(),
    )


def _has_errors(value: Any, depth: int = 0) -> bool:
    """A bound form or formset with errors, or a list/tuple holding one (action forms)."""
    if isinstance(value, forms.BaseForm):
        return value.is_bound and bool(value.errors)
    if isinstance(value, forms.BaseFormSet):
        return value.is_bound and (bool(value.non_form_errors()) or any(value.errors))
    if isinstance(value, (list, tuple)) and depth < 2:
        return any(_has_errors(item, depth + 1) for item in value[:50])
    return False


@register.simple_tag(takes_context=True)
def error_prefix(context: template.Context) -> str:
    """ "Error: " at the start of the page title when any form on the page has errors (GOV.UK:
    a screen reader user hears it first); every page's title goes through base.html."""
    for layer in context.dicts:
        if isinstance(layer, dict) and any(_has_errors(v) for v in layer.values()):
            return "Error: "
    return ""


@register.simple_tag
def group_words(group: Any) -> SafeString:
    """A group's code with what it means ("LAC-out: looked after by this council, placed
    outside its area"): the codes are never shown unexplained. (Not in brackets: the MFH
    label has its own.)"""
    try:
        code = Group(str(group))
    except ValueError:
        return format_html("{}", group or "Not known")
    return format_html(
        '{}<span class="govuk-hint govuk-!-display-inline">: {}</span>',
        code.value,
        GROUP_LABELS[code],
    )


@register.simple_tag(takes_context=True)
def group_seen(context: Any, episode: Any) -> str:
    """The episode's group as the signed-in council counts it: another council's episode that a
    council sees is one of a child placed in its area, which it counts as Hosted (decision 0039);
    everyone else sees the group of the council responsible."""
    org = getattr(context.get("user"), "organisation", None)
    reader = org.pk if org is not None and getattr(org, "kind", None) == "council" else None
    return group_counted_by(episode.group, episode.council_id, reader)


@register.simple_tag
def groups_in_words() -> str:
    """The four group codes and what each means, as one line of text (for printed packs, where
    a "What the groups mean" drop-down would not open)."""
    return " ".join(f"{code.value}: {label}." for code, label in GROUP_LABELS.items())


@register.inclusion_tag("includes/group_legend.html")
def group_legend() -> dict[str, Any]:
    """What the group codes in a table mean (MFH, LAC-in, LAC-out, Hosted), under the table."""
    return {"groups": [(code.value, label) for code, label in GROUP_LABELS.items()]}


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """`mapping[key]` in a template, or None."""
    return mapping.get(key) if hasattr(mapping, "get") else None


IRREGULAR = {"children": "child"}


def one_of(noun: str) -> str:
    """The noun of a list for one item: "1 child", "1 RHI", "1 notification to decide" (the
    first plural word of the phrase made singular)."""
    words = noun.split(" ")
    for i, word in enumerate(words):
        if word in IRREGULAR:
            words[i] = IRREGULAR[word]
            break
        if word.endswith("s") and len(word) > 2:
            words[i] = word[:-1]
            break
    return " ".join(words)


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(
    context: Any,
    page: Any,
    noun: str = "",
    label: str = "Pages",
    param: str = "page",
    fragment: str = "",
) -> dict[str, Any]:
    """How many in all, which ones are shown, and the GOV.UK pagination links (other query
    parameters kept; `fragment`, e.g. "#another", lands on the list within a longer page).
    Nothing but the count when everything fits on one page."""
    from returnhome.core.paging import PageLink, page_links, page_url

    params = context["request"].GET
    paginator = page.paginator
    several = paginator.num_pages > 1 or page.has_next() or page.number > 1
    count: int | str = getattr(paginator, "count_text", paginator.count)
    bounded = getattr(paginator, "bounded", False)
    if bounded:  # past the counting bound: as many as are known so far, exact on the last page
        count = f"more than {max(paginator.count, page.end_index()):,}"
        if not page.has_next():
            count, bounded = page.end_index(), False
    links = page_links(params, page, param) if several else []
    return {
        "page": page,
        "noun": one_of(noun) if paginator.count == 1 else noun,
        "label": label,
        "count": count,
        "bounded": bounded,
        "links": [PageLink(k.number, k.url + fragment if k.url else "", k.current) for k in links],
        "previous_url": page_url(params, page.previous_page_number(), param) + fragment
        if page.has_previous()
        else "",
        "next_url": page_url(params, page.next_page_number(), param) + fragment
        if page.has_next()
        else "",
    }


_ROW = '\n    <tr class="govuk-table__row">{}</tr>\n  '
_HEADER_CELL = '<th scope="row" class="govuk-table__header">{}</th>'
_CELL = '<td class="govuk-table__cell">{}</td>'
_NUMERIC_CELL = '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'


@register.simple_tag
def table_rows(table: Any) -> SafeString:
    """A report table's body rows (`reports.tables.DataTable`), each cell escaped: the markup a
    template loop over `display_rows` gave, built in one pass (a meeting pack holds seven tables
    of up to 100 rows: the loop was a tenth of the page's time)."""
    rows = []
    for row in table.display_rows():
        cells = [_HEADER_CELL.format(conditional_escape(row[0]["text"]))] if row else []
        cells.extend(
            (_NUMERIC_CELL if cell["numeric"] else _CELL).format(conditional_escape(cell["text"]))
            for cell in row[1:]
        )
        rows.append(_ROW.format("".join(cells)))
    return mark_safe("".join(rows))  # noqa: S308 - every cell is escaped above

"""Template helpers: deadlines, durations, statuses as GOV.UK tags."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

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


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(
    context: Any, page: Any, noun: str = "", label: str = "Pages", param: str = "page"
) -> dict[str, Any]:
    """How many in all, which ones are shown, and the GOV.UK pagination links (other query
    parameters kept). Nothing but the count when everything fits on one page."""
    from returnhome.core.paging import page_links, page_url

    params = context["request"].GET
    paginator = page.paginator
    return {
        "page": page,
        "noun": noun,
        "label": label,
        "count": paginator.count,
        "links": page_links(params, page, param) if paginator.num_pages > 1 else [],
        "previous_url": page_url(params, page.previous_page_number(), param)
        if page.has_previous()
        else "",
        "next_url": page_url(params, page.next_page_number(), param) if page.has_next() else "",
    }

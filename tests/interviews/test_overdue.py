"""One overdue rule: what the queue filters by is what a page shows on each RHI."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template

from returnhome.interviews import services
from returnhome.interviews.models import RHI
from tests.conftest import Cast, missing, returned
from tests.factories import ChildFactory, ago


def _rhi(cast: Cast, returned_hours_ago: int) -> RHI:
    child = ChildFactory(council=cast.council)
    episode = missing(cast, child, ago(hours=returned_hours_ago + 2))
    return returned(cast, episode, ago(hours=returned_hours_ago))


def test_the_database_and_each_rhi_agree_on_what_is_overdue(cast: Cast) -> None:
    late, due, fresh = _rhi(cast, 100), _rhi(cast, 70), _rhi(cast, 1)
    closed = _rhi(cast, 120)
    services.record_outcome(
        closed, outcome="not_applicable", note="Moved abroad", acting_user=cast.manager
    )
    for now in (ago(hours=0), ago(hours=0) + dt.timedelta(hours=5), ago(hours=90)):
        rhis = list(RHI.objects.filter(pk__in=[late.pk, due.pk, fresh.pk, closed.pk]))
        in_memory = {r.pk for r in rhis if r.is_overdue(now)}
        assert set(RHI.objects.overdue(now).values_list("pk", flat=True)) == in_memory
        first = RHI.objects.filter(pk__in=in_memory | {fresh.pk}).by_deadline(now)
        assert [r.overdue_first for r in first] == [r.pk in in_memory for r in first]
    assert late.is_overdue() and not fresh.is_overdue()


def test_the_deadline_tag_says_overdue_exactly_when_the_rhi_is(cast: Cast) -> None:
    late, fresh = _rhi(cast, 100), _rhi(cast, 1)
    tag = Template("{% load returnhome %}{% deadline_tag rhi now %}")
    now = ago(hours=0)
    for rhi in (late, fresh):
        shown = tag.render(Context({"rhi": rhi, "now": now}))
        assert ("Overdue by" in shown) == rhi.is_overdue(now)

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class ClockStart(StrEnum):
    RETURN = "return"
    NOTIFICATION = "notification"


class ClockCount(StrEnum):
    HOURS = "hours"
    CALENDAR_DAYS = "calendar-days"
    WORKING_DAYS = "working-days"


@dataclass(frozen=True)
class ClockRule:
    start: ClockStart = ClockStart.RETURN
    count: ClockCount = ClockCount.HOURS

    def describe(self) -> str:
        return f"{self.count} from {self.start}"

    def start_at(
        self, returned_at: dt.datetime | None, notification_received_at: dt.datetime | None
    ) -> dt.datetime | None:
        return returned_at if self.start == ClockStart.RETURN else notification_received_at


def deadline(start: dt.datetime, count: ClockCount) -> dt.datetime:
    return (start + dt.timedelta(hours=72)).astimezone(LONDON)


def is_within(start: dt.datetime, at: dt.datetime, count: ClockCount) -> bool:
    return at <= deadline(start, count)

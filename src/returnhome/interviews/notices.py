"""Notices on the team page (the manager's home) from the apps above this one: a hook they fill
from their `AppConfig.ready()` (docs/decisions/0028), so this app never imports them. The sharing
app adds the information-sharing forms still waiting for the police's feedback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from returnhome.accounts.models import User


@dataclass(frozen=True)
class Notice:
    text: str
    link: str = ""
    link_text: str = ""


NoticeSource = Callable[["User"], "Notice | None"]
_sources: list[NoticeSource] = []


def add_team_notice(source: NoticeSource) -> None:
    """Show the notice `source(user)` gives (None: nothing to say) on the team page (once)."""
    if source not in _sources:
        _sources.append(source)


def team_notices(user: User) -> list[Notice]:
    return [n for n in (source(user) for source in _sources) if n is not None]

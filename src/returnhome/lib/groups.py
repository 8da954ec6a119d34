"""The four groups every figure is given for, and the rule that decides an episode's group."""

from __future__ import annotations

from enum import StrEnum


class Group(StrEnum):
    MFH = "MFH"
    LAC_IN = "LAC-in"
    LAC_OUT = "LAC-out"
    HOSTED = "Hosted"

    @property
    def label(self) -> str:
        return GROUP_LABELS[self]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(g.value, f"{g.value} — {g.label}") for g in cls]


GROUP_LABELS = {
    Group.MFH: "missing from home (not looked after)",
    Group.LAC_IN: "looked after by this council, placed in its area",
    Group.LAC_OUT: "looked after by this council, placed outside its area",
    Group.HOSTED: "looked after by another council, placed in this council's area",
}


def group_for(
    council_id: int,
    *,
    looked_after: bool,
    responsible_council_id: int | None,
    placement_council_id: int | None,
) -> Group:
    """The group of an episode from the council's point of view, given status and placement at its start.

    A looked after child with no placement recorded is taken to be placed in the responsible
    council's area. A child looked after by another council whose placement is not in this
    council's area is still Hosted from this council's point of view (it holds the record
    because the child is here).
    """
    if not looked_after:
        return Group.MFH
    responsible = responsible_council_id if responsible_council_id is not None else council_id
    placed = placement_council_id if placement_council_id is not None else responsible
    if responsible != council_id:
        return Group.HOSTED
    return Group.LAC_IN if placed == council_id else Group.LAC_OUT


def group_counted_by(group: str, responsible_council: object, reader_council: object) -> str:
    """The group an episode counts in for `reader_council` (None: not a council): a council reads
    another council's episode only as the host of the child placed in its area, where it counts
    as Hosted (decision 0039); everyone else counts it in the responsible council's group."""
    if reader_council is not None and reader_council != responsible_council:
        return Group.HOSTED.value
    return str(group)

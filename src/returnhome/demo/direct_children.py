"""A demo child's own records written directly (`direct.DirectRows`): what `children.services`
`create_child`, `record_legal_status`, `record_placement`, `update_child`, `add_alias` and
`add_risk_flag` write, row for row and audit row for audit row, with the same call signatures.
Their form checks are not repeated (the demo never breaks them; `tests/demo/test_demo_direct.py`
compares both ways). A placement out of the council's area still goes through
`record_placement`, after a flush: it sends the child's information package."""

from __future__ import annotations

import datetime as dt
from typing import Any

from returnhome.accounts.models import User
from returnhome.children import services as child_services
from returnhome.children.models import Alias, Child, LegalStatus, Placement, RiskFlag
from returnhome.core.versioning import lock_for_edit
from returnhome.organisations.models import Organisation

from .direct import DirectRows, as_read
from .direct_episodes import ChildHistory, Lookups


class DirectChildRecords:
    """The child services' writes for one build, on the child being built (`history`)."""

    def __init__(self, rows: DirectRows) -> None:
        self.rows = rows
        self.history: ChildHistory | None = None
        self.lookups = Lookups()

    def _history(self, child: Child) -> ChildHistory:
        assert self.history is not None and self.history.child is child
        return self.history

    def create_child(
        self, council: Organisation, *, acting_user: User | None, **fields: Any
    ) -> Child:
        child = self.rows.add(Child(council=council, **fields))
        self.rows.audit(acting_user, "create_child", child, fields=fields)
        self.history = ChildHistory(child, [], [], self.lookups)
        return child

    def record_legal_status(
        self,
        child: Child,
        *,
        status: str,
        start_date: dt.date,
        responsible_council: Organisation | None = None,
        end_date: dt.date | None = None,
        acting_user: User | None,
    ) -> LegalStatus:
        history = self._history(child)
        if status == LegalStatus.Status.LOOKED_AFTER and responsible_council is None:
            responsible_council = child.council
        for previous in history.statuses:  # the open one before it ends the day before
            if previous.end_date is None and previous.start_date < start_date:
                previous.end_date = start_date - dt.timedelta(days=1)
                self.rows.touch(previous)
        period = self.rows.add(
            LegalStatus(
                child=child,
                status=status,
                responsible_council=responsible_council
                if status == LegalStatus.Status.LOOKED_AFTER
                else None,
                start_date=start_date,
                end_date=end_date,
            )
        )
        history.statuses.append(period)
        # refresh_groups: the child has no episodes yet (they come after its history).
        self.rows.audit(
            acting_user,
            "record_legal_status",
            child,
            status=status,
            start_date=start_date,
            responsible_council=responsible_council,
        )
        return period

    def record_placement(
        self,
        child: Child,
        *,
        placement_type: str,
        council_area: Organisation,
        start_date: dt.date,
        address: str = "",
        postcode: str = "",
        end_date: dt.date | None = None,
        acting_user: User | None,
    ) -> Placement:
        history = self._history(child)
        if council_area.pk != child.council_id:
            # Out of area: the service, which sends the information package.
            self.rows.flush()
            placement = child_services.record_placement(
                child,
                placement_type=placement_type,
                council_area=council_area,
                start_date=start_date,
                address=address,
                postcode=postcode,
                end_date=end_date,
                acting_user=acting_user,
            )
            history.placements = list(Placement.objects.filter(child=child))
            return placement
        for previous in history.placements:
            if previous.end_date is None and previous.start_date < start_date:
                previous.end_date = start_date - dt.timedelta(days=1)
                self.rows.touch(previous)
        placement = self.rows.add(
            Placement(
                child=child,
                placement_type=placement_type,
                council_area=council_area,
                start_date=start_date,
                end_date=end_date,
                address=address,
                postcode=postcode,
                out_of_area=False,
                rhi_arrangement="",
                rhi_provider=None,
            )
        )
        history.placements.append(placement)
        self.rows.audit(
            acting_user,
            "record_placement",
            child,
            placement_type=placement_type,
            council_area=council_area,
            start_date=start_date,
            rhi_arrangement=placement.rhi_arrangement,
            rhi_provider=placement.rhi_provider_id,
        )
        return placement

    def update_child(
        self, child: Child, *, expected_version: None, acting_user: User | None, **fields: Any
    ) -> Child:
        if child._state.adding:
            as_read(child)  # lock_for_edit: as read again, its version bumped
            child.version += 1
        else:  # written already (an out-of-area placement's package needed it)
            lock_for_edit(child, None)
        changed = {k: v for k, v in fields.items() if getattr(child, k) != v}
        for key, value in changed.items():
            setattr(child, key, value)
        self.rows.touch(child)
        self.rows.audit(
            acting_user,
            "update_child",
            child,
            changed=changed,
            version=child.version,
            fields=sorted(changed),
        )
        return child

    def add_alias(
        self, child: Child, name: str, kind: str = Alias.Kind.ALIAS, *, acting_user: User | None
    ) -> Alias:
        alias = self.rows.add(Alias(child=child, name=name.strip(), kind=kind))
        self.rows.audit(acting_user, "add_alias", child, alias=alias.name, kind=kind)
        return alias

    def add_risk_flag(
        self,
        child: Child,
        *,
        flag: str,
        start_date: dt.date,
        end_date: dt.date | None = None,
        note: str = "",
        acting_user: User | None,
    ) -> RiskFlag:
        risk = self.rows.add(
            RiskFlag(child=child, flag=flag, start_date=start_date, end_date=end_date, note=note)
        )
        self.rows.audit(acting_user, "add_risk_flag", child, flag=flag, start_date=start_date)
        return risk

"""Changing a council's service configuration."""

from __future__ import annotations

from django.db import transaction

from returnhome.accounts.models import User
from returnhome.accounts.rules import is_council_admin
from returnhome.core.audit import record_write
from returnhome.core.errors import require
from returnhome.organisations.models import Organisation, ServiceConfiguration


@transaction.atomic
def configure_service(
    council: Organisation,
    *,
    rhi_provider: Organisation | None,
    clock_start: str,
    clock_count: str,
    acting_user: User | None,
    check_permission: bool = True,
) -> ServiceConfiguration:
    """Set who delivers RHIs and the 72-hour rule; open RHIs get their deadlines recomputed."""
    from returnhome.interviews.models import RHI
    from returnhome.interviews.services import refer_rhi

    if check_permission:
        require(
            is_council_admin(acting_user, council), "Only the council's administrator can do this."
        )
    config, _ = ServiceConfiguration.objects.get_or_create(council=council)
    rule_changed = (config.clock_start, config.clock_count) != (clock_start, clock_count)
    config.rhi_provider = rhi_provider
    config.clock_start = clock_start
    config.clock_count = clock_count
    config.save()
    council.service_configuration = config
    if rule_changed:
        for rhi in (
            RHI.objects.filter(council=council)
            .awaiting_interview()
            .select_related("episode__council")
        ):
            refer_rhi(rhi.episode, acting_user=acting_user)
    record_write(
        acting_user,
        "configure_service",
        config,
        rhi_provider=rhi_provider,
        clock_start=clock_start,
        clock_count=clock_count,
    )
    return config

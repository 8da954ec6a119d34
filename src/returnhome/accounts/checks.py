"""`check --deploy`: warn when two-factor sign-in is off outside development."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def two_factor_required(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.RETURNHOME_REQUIRE_2FA or settings.DEBUG:
        return []
    return [
        Warning(
            "Two-factor sign-in is off (RETURNHOME_REQUIRE_2FA=false) without DEBUG.",
            hint="Unset RETURNHOME_REQUIRE_2FA (it defaults to true) in production.",
            id="returnhome.W001",
        )
    ]

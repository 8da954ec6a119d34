"""Home: send each user to where their work is."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render

from returnhome.accounts.models import Role
from returnhome.core.http import AuthedHttpRequest

HOME_BY_ROLE = {
    Role.PRACTITIONER: "interviews:mine",
    Role.MANAGER: "interviews:team",
    Role.FRONT_DOOR: "imports:queue",
    Role.POLICE: "episodes:open",
    Role.PERFORMANCE: "reports:indicators",
    Role.SOCIAL_WORKER: "children:list",
    Role.ADMIN: "organisations:service",
    Role.REPORTER: "reporting:mine",
}


def home(request: AuthedHttpRequest) -> HttpResponse:
    target = HOME_BY_ROLE.get(Role(request.user.role)) if request.user.role in Role.values else None
    if target:
        return redirect(target)
    return render(request, "core/no_access.html", status=403)

"""Home: send each user to where their work is (`access.navigation.home_for`)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render

from returnhome.access.navigation import home_for
from returnhome.accounts.http import AuthedHttpRequest


def home(request: AuthedHttpRequest) -> HttpResponse:
    target = home_for(request.user)
    if target:
        return redirect(target)
    return render(request, "core/no_access.html", status=403)

"""Typing for views: every view runs behind LoginRequiredMiddleware, so the user is a real User."""

from __future__ import annotations

from django.http import HttpRequest

from returnhome.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    user: User

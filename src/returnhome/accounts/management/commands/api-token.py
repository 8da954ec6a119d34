"""`returnhome api-token create|list|revoke`: police forces' keys to the HTTP API."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from returnhome.accounts import services
from returnhome.accounts.models import ApiToken, User
from returnhome.organisations.models import Organisation


def _user(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user {username!r}")
    return user


def _force(text: str) -> Organisation:
    text = text.strip()
    code = text if text.lower().startswith("police:") else f"police:{text}"
    force = (
        Organisation.objects.police_forces()
        .filter(Q(code__iexact=code) | Q(name__iexact=text))
        .first()
    )
    if force is None:
        raise CommandError(f"No police force has the code or name {text!r}")
    return force


class Command(BaseCommand):
    help = (
        "API tokens for police forces (see docs/formats/api.md). 'create' prints the token once: "
        "only its hash is stored. 'list' shows every token by its prefix; 'revoke PREFIX' stops one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token for a police force")
        create.add_argument("--force", required=True, help="The force's code (KNT) or name")
        create.add_argument("--name", required=True, help="What the token is for")
        create.add_argument("--user", help="Username to record as having created it")
        listing = sub.add_parser("list", help="List tokens (never their secrets)")
        listing.add_argument("--json", action="store_true", help="As JSON")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix")
        revoke.add_argument("prefix", help="The token's prefix, as 'list' shows it")
        revoke.add_argument("--user", help="Username to record as having revoked it")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            force = _force(options["force"])
            try:
                new = services.create_api_token(
                    force, name=options["name"], acting_user=_user(options["user"])
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self.stderr.write(
                f"Token {new.token.prefix} for {force.name} ({new.token.name}). "
                "Copy it now: it is not stored and cannot be shown again."
            )
            self.stdout.write(new.secret)
        elif action == "list":
            tokens = ApiToken.objects.select_related("organisation").order_by(
                "organisation__name", "created_at"
            )
            rows = [
                {
                    "prefix": t.prefix,
                    "force": t.organisation.name,
                    "name": t.name,
                    "created_at": t.created_at.isoformat(),
                    "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                    "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
                }
                for t in tokens
            ]
            if options["json"]:
                self.stdout.write(json.dumps(rows, indent=2))
                return
            if not rows:
                self.stdout.write("No API tokens.")
            for row in rows:
                state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "active"
                used = row["last_used_at"] or "never used"
                self.stdout.write(
                    f"{row['prefix']}  {row['force']}  {row['name']}  "
                    f"created {row['created_at']}  last used {used}  {state}"
                )
        else:
            prefix = options["prefix"].strip()
            matches = list(ApiToken.objects.filter(prefix__startswith=prefix[:16])[:2])
            if len(prefix) < 6 or not matches:
                raise CommandError(f"No token has the prefix {prefix!r}")
            if len(matches) > 1:
                raise CommandError(f"More than one token starts with {prefix!r}: give more of it")
            token = matches[0]
            if token.revoked_at is not None:
                self.stdout.write(f"Token {token.prefix} was already revoked.")
                return
            services.revoke_api_token(token, acting_user=_user(options["user"]))
            self.stdout.write(f"Revoked token {token.prefix} ({token.name}).")

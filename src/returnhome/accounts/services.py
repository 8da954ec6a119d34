"""Writes to accounts: people's accounts (invitations, roles, deactivation, passwords, two-factor
devices, unlocking) and API tokens for police forces. Atomic and audited."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from returnhome.access.policy import assignable_roles, can_manage_users, manages_user
from returnhome.accounts.models import ApiToken, User
from returnhome.core.audit import record_write
from returnhome.core.errors import Problems, require
from returnhome.organisations.models import Organisation

TOKEN_PREFIX = "rh_"  # noqa: S105 (the visible start of every token, not a secret)
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


@transaction.atomic
def create_api_token(
    organisation: Organisation, *, name: str, acting_user: User | None
) -> NewToken:
    """A new token for a police force. The secret is returned once; only its hash is kept."""
    if organisation.kind != Organisation.Kind.POLICE:
        raise ValidationError(f"{organisation} is not a police force: only forces get API tokens")
    name = name.strip()
    if not name:
        raise ValidationError("Give the token a name (what it is for)")
    while True:
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        prefix = secret[:PREFIX_LENGTH]
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    account = User(
        username=f"api-{prefix}",
        first_name=f"{organisation.name} API"[:150],
        last_name=f"({name})"[:150],
        organisation=organisation,
        role="",
    )
    account.set_unusable_password()
    account.save()
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name[:100],
        prefix=prefix,
        secret_hash=hash_token(secret),
        user=account,
        created_by=acting_user if acting_user is not None and acting_user.pk else None,
    )
    record_write(acting_user, "create_api_token", token, organisation=organisation, name=token.name)
    return NewToken(token, secret)


@transaction.atomic
def revoke_api_token(token: ApiToken, *, acting_user: User | None) -> ApiToken:
    """Refuse the token from now on (its account is deactivated too). Revoking twice is a no-op."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = acting_user if acting_user is not None and acting_user.pk else None
    token.save(update_fields=["revoked_at", "revoked_by"])
    User.objects.filter(pk=token.user_id).update(is_active=False)
    record_write(acting_user, "revoke_api_token", token, organisation=token.organisation_id)
    return token


# --- People's accounts -------------------------------------------------------------------------

RECOVERY_CODES = 10


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """A signed token for an invitation link: it names the account, expires after
    RETURNHOME_INVITE_DAYS, and stops working once a password is set (the hash changes), so the
    link works once."""

    key_salt = "returnhome.accounts.InvitationTokenGenerator"

    def check_token(self, user: User | None, token: str | None) -> bool:
        if user is None or not token or "-" not in token:
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        age = self._num_seconds(self._now()) - timestamp
        if age > settings.RETURNHOME_INVITE_DAYS * 24 * 60 * 60:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.password}{user.is_active}{timestamp}"


invitation_tokens = InvitationTokenGenerator()


@dataclass(frozen=True)
class Invitation:
    user: User
    link: str  # the full address the invitee opens (shown to the administrator, emailed)


def invitation_link(user: User) -> str:
    path = reverse(
        "accounts:accept_invite",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), invitation_tokens.make_token(user)],
    )
    return settings.RETURNHOME_BASE_URL.rstrip("/") + path


def _send_invitation(invitation: Invitation, acting_user: User) -> None:
    user = invitation.user
    days = settings.RETURNHOME_INVITE_DAYS
    send_mail(
        "Your returnhome account",
        f"{acting_user} has given you an account on returnhome for {user.organisation}.\n\n"
        f"Open this link to set your password and set up two-factor sign-in "
        f"(it works once, for {days} days):\n\n{invitation.link}\n",
        None,
        [user.email],
    )


def _check_manages(acting_user: User, account: User) -> None:
    require(
        manages_user(acting_user, account),
        "Only an administrator of the person's organisation can do this.",
    )


@transaction.atomic
def invite_user(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    acting_user: User,
) -> Invitation:
    """A new account in the administrator's organisation, with no password yet: the invitee sets
    it by the link (emailed, and returned to show the administrator)."""
    organisation = acting_user.organisation
    require(
        can_manage_users(acting_user), "Only an organisation's administrator can invite people."
    )
    problems = Problems()
    username = username.strip()
    if not username:
        problems.add("username", "Enter a username")
    elif User.objects.filter(username__iexact=username).exists():
        problems.add("username", f"The username {username} is taken: choose another")
    if not email.strip():
        problems.add("email", "Enter the person's email address: the invitation is sent there")
    if not first_name.strip() or not last_name.strip():
        problems.add("first_name", "Enter the person's first and last name")
    if role not in assignable_roles(acting_user):
        problems.add("role", "Choose a role people in your organisation can have")
    problems.raise_if_any()
    user = User(
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        role=role,
        organisation=organisation,
    )
    user.set_unusable_password()
    user.save()
    invitation = Invitation(user, invitation_link(user))
    record_write(acting_user, "invite_user", user, role=role, organisation=organisation)
    transaction.on_commit(lambda: _send_invitation(invitation, acting_user))
    return invitation


@transaction.atomic
def reissue_invitation(account: User, *, acting_user: User) -> Invitation:
    """A fresh link for someone who has not yet set a password."""
    _check_manages(acting_user, account)
    if account.has_usable_password():
        raise ValidationError("This person has already set their password")
    invitation = Invitation(account, invitation_link(account))
    record_write(acting_user, "reissue_invitation", account)
    transaction.on_commit(lambda: _send_invitation(invitation, acting_user))
    return invitation


@transaction.atomic
def accept_invitation(account: User, *, password: str) -> User:
    """The invitee sets their password (the link then stops working)."""
    if account.has_usable_password() or not account.is_active:
        raise ValidationError("This invitation has already been used or withdrawn")
    validate_password(password, account)
    account.set_password(password)
    account.save(update_fields=["password"])
    record_write(account, "accept_invitation", account)
    return account


@transaction.atomic
def change_password(account: User, *, new_password: str, acting_user: User) -> User:
    """Someone changes their own password (the form has checked the old one)."""
    require(acting_user.pk == account.pk, "People change only their own password.")
    validate_password(new_password, account)
    account.set_password(new_password)
    account.save(update_fields=["password"])
    record_write(acting_user, "change_password", account)
    return account


@transaction.atomic
def change_role(account: User, *, role: str, acting_user: User) -> User:
    _check_manages(acting_user, account)
    if role not in assignable_roles(acting_user):
        raise ValidationError({"role": "Choose a role people in your organisation can have"})
    if account.pk == acting_user.pk and role != account.role:
        raise ValidationError(
            {"role": "You cannot change your own role: ask another administrator"}
        )
    before = account.role
    if before != role:
        account.role = role
        account.save(update_fields=["role"])
        record_write(acting_user, "change_role", account, role_before=before, role=role)
    return account


@transaction.atomic
def deactivate_user(account: User, *, acting_user: User) -> User:
    """They can no longer sign in; their sessions end at their next request. Nothing is deleted."""
    _check_manages(acting_user, account)
    if account.pk == acting_user.pk:
        raise ValidationError("You cannot deactivate your own account")
    if account.is_active:
        account.is_active = False
        account.save(update_fields=["is_active"])
        record_write(acting_user, "deactivate_user", account)
    return account


@transaction.atomic
def reactivate_user(account: User, *, acting_user: User) -> User:
    _check_manages(acting_user, account)
    if not account.is_active:
        account.is_active = True
        account.save(update_fields=["is_active"])
        record_write(acting_user, "reactivate_user", account)
    return account


@transaction.atomic
def reset_two_factor(account: User, *, acting_user: User) -> User:
    """Remove someone's authenticator and recovery codes (a lost phone): they set up a new one
    at their next sign-in."""
    _check_manages(acting_user, account)
    removed = TOTPDevice.objects.filter(user=account).delete()[0]
    removed += StaticDevice.objects.filter(user=account).delete()[0]
    record_write(acting_user, "reset_two_factor", account, removed=removed)
    return account


def lockout_failures(account: User) -> int:
    """Failed sign-ins that count toward the account's lockout now."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(username=account.username, attempt_time__gte=since)
    return sum(attempts.values_list("failures_since_start", flat=True))


def is_locked_out(account: User) -> bool:
    return lockout_failures(account) >= settings.AXES_FAILURE_LIMIT


def locked_out_among(accounts: list[User]) -> set[int]:
    """Which of these accounts are locked now (one query, for lists)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    by_name = {a.username: a.pk for a in accounts}
    locked = (
        AccessAttempt.objects.filter(username__in=by_name, attempt_time__gte=since)
        .values("username")
        .annotate(total=Sum("failures_since_start"))
        .filter(total__gte=settings.AXES_FAILURE_LIMIT)
        .values_list("username", flat=True)
    )
    return {by_name[name] for name in locked}


@transaction.atomic
def unlock_user(account: User, *, acting_user: User) -> User:
    """Clear the failed sign-ins that locked the account."""
    _check_manages(acting_user, account)
    cleared = AccessAttempt.objects.filter(username=account.username).delete()[0]
    record_write(acting_user, "unlock_user", account, cleared=cleared)
    return account


# --- Two-factor devices ------------------------------------------------------------------------


def start_two_factor_setup(account: User) -> TOTPDevice:
    """An unconfirmed authenticator to show as a QR code; it counts once a code from it is
    entered (`confirm_two_factor`). Reuses the pending one so reloading keeps the same QR code."""
    device = TOTPDevice.objects.filter(user=account, confirmed=False).order_by("pk").last()
    if device is None:
        device = TOTPDevice.objects.create(user=account, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def confirm_two_factor(device: TOTPDevice, *, code: str, acting_user: User) -> list[str]:
    """Confirm a new authenticator with a code from it; it replaces any earlier one. Returns a
    new set of recovery codes (shown once)."""
    account = device.user
    require(acting_user.pk == account.pk, "People set up only their own two-factor sign-in.")
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(code.replace(" ", "")):
        raise ValidationError(
            {"code": "The code is not right: enter the 6 digits your app shows now"}
        )
    TOTPDevice.objects.filter(user=account).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(account)
    record_write(acting_user, "set_up_two_factor", account, recovery_codes=len(codes))
    return codes


@transaction.atomic
def regenerate_recovery_codes(account: User, *, acting_user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    require(acting_user.pk == account.pk, "People make only their own recovery codes.")
    if not TOTPDevice.objects.filter(user=account, confirmed=True).exists():
        raise ValidationError("Set up two-factor sign-in first")
    codes = _new_recovery_codes(account)
    record_write(acting_user, "regenerate_recovery_codes", account, recovery_codes=len(codes))
    return codes


def _new_recovery_codes(account: User) -> list[str]:
    StaticDevice.objects.filter(user=account).delete()
    device = StaticDevice.objects.create(user=account, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes

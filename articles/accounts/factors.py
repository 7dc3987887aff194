"""Second factors: passkeys, authenticator apps (TOTP) and recovery codes.

Passkeys and apps are django-otp devices of django-otp-webauthn and
django-otp's TOTP plugin; recovery codes are RecoveryCodeDevice. A code is
checked against the account's apps, then its recovery codes, each device
refusing a code it accepted before (TOTP's time step, a used recovery code
deleted). Wrong codes count with wrong passwords (django-axes): the same
limit, the same cool-off, the same lockout page.
"""

import math
import time
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from articles.models import RecoveryCodeDevice
from articles.serving.clients import client_ip

from . import events, sessions

Kind = events.Kind
# Devices an account signs in with day to day; recovery codes are the spare key.
DAILY = (WebAuthnCredential, TOTPDevice)
CONFIRMED_AT = "newsroom_confirmed_at"
# Kept in the session by articles.accounts.access (which reads this module).
FACTOR_KEY = "newsroom_has_factor"


@dataclass(frozen=True)
class Factor:
    """A second factor as its owner sees it."""

    id: str  # django-otp's persistent id: "app_label.model/pk"
    kind: str
    name: str
    created_at: datetime | None
    last_used_at: datetime | None


def kind_of(device) -> str:
    if isinstance(device, WebAuthnCredential):
        return gettext("Passkey")
    if isinstance(device, TOTPDevice):
        return gettext("Authenticator app")
    return gettext("Recovery codes")


def factors_of(user) -> list[Factor]:
    """The account's passkeys and authenticator apps, oldest first."""
    found = [
        Factor(
            id=device.persistent_id,
            kind=kind_of(device),
            name=device.name,
            created_at=device.created_at,
            last_used_at=device.last_used_at,
        )
        for model in DAILY
        for device in model.objects.filter(user=user, confirmed=True)
    ]
    return sorted(
        found, key=lambda factor: (factor.created_at is None, factor.created_at)
    )


def has_factor(user) -> bool:
    """Whether the account has a passkey or an authenticator app."""
    return any(
        model.objects.filter(user=user, confirmed=True).exists() for model in DAILY
    )


def has_any(user) -> bool:
    """Whether the account has any factor to verify with, recovery codes too."""
    return has_factor(user) or recovery_codes_left(user) > 0


def has_passkey(user) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    device = RecoveryCodeDevice.objects.filter(user=user).first()
    return device.codes.count() if device else 0


def credentials(user):
    """What django-axes counts a code failure by: the account's name."""
    return {"username": user.get_username()}


def may_try_code(request, user) -> bool:
    """False while the account and address are locked out (django-axes)."""
    return AxesProxyHandler.is_allowed(request, credentials(user))


def verify_code(request, code: str):
    """Sign the session in with the account's app or recovery code that
    accepts `code`; the device, or None (counted as a failure)."""
    user = request.user
    code = "".join(str(code).split())[:40]
    device = None
    if code:
        with transaction.atomic():
            for candidate in devices_for_user(user, for_verify=True):
                if isinstance(candidate, WebAuthnCredential):
                    continue
                if candidate.verify_token(code):
                    device = candidate
                    break
    if device is None:
        events.record(Kind.CODE_FAILED, request=request, user=user)
        AxesProxyHandler.user_login_failed(
            sender=verify_code, credentials=credentials(user), request=request
        )
        return None
    verified(request, device)
    return device


def wait_seconds(user) -> int:
    """How long the account's codes are held back after wrong ones (django-otp
    doubles the wait with each failure, whatever the address)."""
    waits = [0]
    for device in devices_for_user(user):
        allowed, why = device.verify_is_allowed()
        if not allowed and why and why.get("locked_until"):
            waits.append(
                math.ceil((why["locked_until"] - timezone.now()).total_seconds())
            )
    return max(waits)


def forgive(request, user) -> None:
    """The account signed in all the way: its failures from this address are
    forgotten (django-axes)."""
    AxesProxyHandler.reset_attempts(
        ip_address=client_ip(request), username=user.get_username()
    )


def verified(request, device) -> None:
    """The session passed its second factor with `device`."""
    otp_login(request, device)
    forgive(request, device.user)
    detail = kind_of(device)
    if isinstance(device, RecoveryCodeDevice):
        detail = gettext("%(kind)s (%(left)d left)") % {
            "kind": detail,
            "left": device.codes.count(),
        }
    with _in_english():
        events.record(Kind.VERIFIED, request=request, user=device.user, detail=detail)


def confirmed(request) -> None:
    """The session proved its second factor again, to confirm one step."""
    request.session[CONFIRMED_AT] = _now()


def take_confirmation(request, seconds: int = 120) -> bool:
    """Whether the session confirmed a step with its passkey within `seconds`;
    a confirmation serves once."""
    at = request.session.pop(CONFIRMED_AT, None)
    return isinstance(at, (int, float)) and _now() - at <= seconds


def _now() -> float:
    return time.time()


def _in_english():
    # The security log keeps its words in English, as the admin log does.
    return translation.override("en")


def new_app(user) -> TOTPDevice:
    """An authenticator app being set up: unconfirmed until its first code."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(
        user=user, name=gettext("Authenticator app"), confirmed=False
    )


def app_qr_code(device: TOTPDevice) -> str:
    """The app's set-up address as an SVG QR code, for a data: URL."""
    out = BytesIO()
    segno.make(device.config_url, error="m").save(
        out, kind="svg", scale=5, border=2, xmldecl=False, svgns=True
    )
    return out.getvalue().decode()


def confirm_app(request, device: TOTPDevice, code: str) -> bool:
    """Confirm an app being set up with a code it shows."""
    code = "".join(str(code).split())[:12]
    if not code.isdigit() or not device.verify_token(code):
        events.record(Kind.CODE_FAILED, request=request, user=device.user)
        AxesProxyHandler.user_login_failed(
            sender=confirm_app, credentials=credentials(device.user), request=request
        )
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    added(request, device)
    return True


def added(request, device) -> None:
    """A new factor is the account's: the session counts as verified by it if it
    was not already, and the event is logged."""
    if not request.user.is_verified():
        verified(request, device)
    request.session[FACTOR_KEY] = True
    with _in_english():
        events.record(
            Kind.DEVICE_ADDED,
            request=request,
            user=device.user,
            detail=f"{kind_of(device)}: {device.name}",
        )


def new_recovery_codes(request, user) -> list[str]:
    """Fresh recovery codes in place of any left; shown once, never kept."""
    device, _ = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "Recovery codes", "confirmed": True}
    )
    codes = device.renew()
    events.record(Kind.RECOVERY_CODES, request=request, user=user)
    return codes


def find(user, factor_id: str):
    """One of the account's passkeys or apps by its id, or None."""
    for model in DAILY:
        label = f"{model._meta.app_label}.{model._meta.model_name}/"
        if factor_id.startswith(label):
            pk = factor_id[len(label) :]
            if pk.isdigit():
                return model.objects.filter(user=user, pk=pk).first()
    return None


class FactorError(ValueError):
    """A change to the account's factors that the rules refuse."""


def rename(request, device, name: str) -> None:
    name = " ".join(name.split())[:64]
    if not name or not name.isprintable():
        raise FactorError(gettext("Give it a name you will recognise."))
    device.name = name
    device.save(update_fields=["name"])


def remove(request, device) -> int:
    """Remove one of the account's factors and end its other sessions (how
    many). Never the last one while second factors are required."""
    user = device.user
    others = [f for f in factors_of(user) if f.id != device.persistent_id]
    if settings.NEWSROOM_REQUIRE_2FA and not others:
        raise FactorError(
            gettext(
                "This is your last passkey or app, and the newsroom requires "
                "one: add another before removing it."
            )
        )
    description = f"{kind_of(device)}: {device.name}"
    device.delete()
    request.session[FACTOR_KEY] = has_any(user)
    ended = sessions.end_others(request, user)
    with _in_english():
        events.record(
            Kind.DEVICE_REMOVED,
            request=request,
            user=user,
            detail=f"{description}; {ended} other sessions ended",
        )
    return ended


def reset(request, user) -> int:
    """A superuser clears another account's factors (and ends its sessions):
    it enrols again at its next sign-in. How many factors went."""
    removed = 0
    for model in (*DAILY, RecoveryCodeDevice):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    ended = sessions.end(user.staff_sessions.all())
    events.record(
        Kind.DEVICES_RESET,
        request=request,
        user=user,
        actor=request.user.get_username(),
        detail=f"{removed} factors removed, {ended} sessions ended",
    )
    return removed

"""What a signed-in account may reach in the admin, and why not.

A gate is where the account must go first: to its second factor (it has one
and this session has not used it), to enrolling one (it has none and the
newsroom requires it), or to choosing a new password (a lockdown asked).
Until then, only the pages of that gate and signing out answer.
"""

from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

from articles.models import PasswordResetRequired

from . import factors

OPEN = ""
VERIFY = "staff-verify"
ENROL = "staff-security"
RENEW = "admin:password_change"

ALWAYS = {"admin:logout", "admin:jsi18n", "admin:newsroom_jsi18n"}
# The URL names each gate lets through, beside its own page.
THROUGH = {
    VERIFY: {"staff-passkey-sign-in-begin", "staff-passkey-sign-in-complete"},
    ENROL: {
        "staff-app",
        "staff-recovery-codes",
        "staff-passkey-register-begin",
        "staff-passkey-register-complete",
    },
    RENEW: {"admin:password_change_done"},
}


def gate(request) -> str:
    """The gate the request's account must pass first; OPEN for none. Worked
    out once per request (the admin asks on every permission check)."""
    if not hasattr(request, "_newsroom_gate"):
        request._newsroom_gate = _gate(request)
    return request._newsroom_gate


def forget_gate(request) -> None:
    """The account's gate may have changed (a factor added or verified)."""
    request.__dict__.pop("_newsroom_gate", None)


def _gate(request) -> str:
    user = request.user
    if not user.is_authenticated:
        return OPEN
    if not user.is_verified():
        if has_factor(request):
            return VERIFY
        if settings.NEWSROOM_REQUIRE_2FA:
            return ENROL
    if request.session.get(RENEW_KEY) and not _renewed(request):
        return RENEW
    return OPEN


# What the session knows of its account, from its sign-in on: whether it has
# a factor to verify with, and whether it must choose a new password. Either
# changes only with the session's own doing, or by ending the session (a
# reset, a lockdown), so neither is asked of the database on every request.
FACTOR_KEY = factors.FACTOR_KEY
RENEW_KEY = "newsroom_renew_password"


def note_sign_in(request, user) -> None:
    request.session[FACTOR_KEY] = factors.has_any(user)
    request.session[RENEW_KEY] = PasswordResetRequired.objects.filter(
        user=user
    ).exists()


def has_factor(request) -> bool:
    if FACTOR_KEY not in request.session:
        request.session[FACTOR_KEY] = factors.has_any(request.user)
    return request.session[FACTOR_KEY]


def _renewed(request) -> bool:
    if PasswordResetRequired.objects.filter(user=request.user).exists():
        return False
    request.session[RENEW_KEY] = False
    return True


def lets_through(gate_name: str, path: str) -> bool:
    """Whether `path` is one of the pages an account at `gate_name` may open."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.view_name in {gate_name, *ALWAYS, *THROUGH[gate_name]}


def gate_url(gate_name: str, next_path: str) -> str:
    return f"{reverse(gate_name)}?{urlencode({'next': next_path})}"

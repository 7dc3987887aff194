"""The security log: sign-ins, failures, lockouts, second factors, sessions,
lockdowns. Each event is a SecurityEvent row (superusers read them in the
admin) and a line in the `articles.accounts` log. Neither ever holds a
password, a code or a secret: callers pass what happened, not what was typed.
"""

import logging

from axes.signals import user_locked_out
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from articles.models import SecurityEvent
from articles.serving.clients import client_ip

from .browsers import describe

logger = logging.getLogger("articles.accounts")
Kind = SecurityEvent.Kind

_FIELD = SecurityEvent._meta.get_field
# Logged as warnings; the rest of the events are information.
_ALARMING = {
    Kind.SIGN_IN_FAILED,
    Kind.LOCKED_OUT,
    Kind.CODE_FAILED,
    Kind.NEW_BROWSER,
    Kind.DEVICES_RESET,
    Kind.LOCKDOWN,
    Kind.LOCKDOWN_LIFTED,
    Kind.REFUSED,
}


def record(kind, *, request=None, user=None, username="", actor="", detail=""):
    """Write one security event, and its log line."""
    if user is not None and not username:
        username = user.get_username()
    meta = request.META if request is not None else {}
    event = SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=str(username)[: _FIELD("username").max_length],
        actor=str(actor)[: _FIELD("actor").max_length],
        ip_address=client_ip(request) if request is not None else None,
        browser=describe(meta.get("HTTP_USER_AGENT", "")),
        detail=str(detail)[: _FIELD("detail").max_length],
    )
    logger.log(
        logging.WARNING if kind in _ALARMING else logging.INFO,
        "security: %s account=%r actor=%r address=%s %s",
        kind,
        event.username,
        event.actor,
        event.ip_address or "-",
        event.detail,
    )
    return event


def refused(request, what: str):
    """Someone signed in asked for what their account may not do."""
    return record(Kind.REFUSED, request=request, user=request.user, detail=what)


@receiver(auth_signals.user_login_failed, dispatch_uid="security-sign-in-failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django passes the credentials with the password already masked; only
    # the name is kept.
    record(
        Kind.SIGN_IN_FAILED,
        request=request,
        username=credentials.get("username", ""),
        detail=credentials.get("reason", ""),
    )


@receiver(user_locked_out, dispatch_uid="security-locked-out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    record(Kind.LOCKED_OUT, request=request, username=username or "")


@receiver(auth_signals.user_logged_out, dispatch_uid="security-signed-out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(Kind.SIGNED_OUT, request=request, user=user)

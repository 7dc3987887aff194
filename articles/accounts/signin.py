"""Signing in and out: what each sign-in sets going (its session row, what
the session knows of its account, the browser remembered or its owner told
of a new one, the event) and what signing out clears."""

from functools import partial

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.dispatch import receiver

from articles import links

from . import access, browsers, events, factors, sessions
from .browsers import describe


@receiver(user_logged_in, dispatch_uid="staff-session-start")
def _signed_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    sessions.start(request, user)
    access.note_sign_in(request, user)
    if not request.session[access.FACTOR_KEY]:
        # No second step to come: the sign-in is whole.
        factors.forgive(request, user)
    events.record(events.Kind.SIGNED_IN, request=request, user=user)
    # A sign-in made in code (the test client's force_login) came from no browser.
    if request.META.get("SERVER_NAME") and browsers.remember(request, user):
        events.record(
            events.Kind.NEW_BROWSER,
            request=request,
            user=user,
            detail=describe(request.META.get("HTTP_USER_AGENT", "")),
        )
        tell = partial(
            browsers.tell_of_new_browser,
            request,
            user,
            origin=links.admin_origin(request),
        )
        transaction.on_commit(tell, robust=True)


@receiver(user_logged_out, dispatch_uid="staff-session-forget")
def _signed_out(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        sessions.forget(request)

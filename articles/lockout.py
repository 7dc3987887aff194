"""Admin sign-in lockout (django-axes): who is signing in, and from where."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses sign-ins for a user name and address that failed too often.

    Sign-ins over HTTP always carry their request. `authenticate()` called from
    code without one (the shell, the test client's `login()`) cannot be guessed
    at from outside, so it is left to the next backend instead of raising.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The page shown while sign-in is locked: why, and when to try again."""
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit
    from django.contrib import admin
    from django.shortcuts import render
    from django.utils.translation import gettext

    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": gettext("Signing in is locked"),
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "minutes": max(1, round(cool_off.total_seconds() / 60)) if cool_off else None,
    }
    return render(request, "admin/lockout.html", context, status=429)

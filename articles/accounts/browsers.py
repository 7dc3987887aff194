"""Browsers: their names in words, the ones an account signed in from before,
and the email when it signs in from one it never used.

A browser is known by a random token in a long-lived, HttpOnly cookie sent
only to the admin; the account keeps the token's digest. A lockdown forgets
every browser (each must be trusted again), so the next sign-in from each is
told to the account's owner.
"""

import logging
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from articles.models import KnownBrowser, StaffProfile
from articles.models.security import digest

logger = logging.getLogger("articles.accounts")

COOKIE = "newsroom_browser"
_REQUEST_ATTRIBUTE = "_newsroom_browser_token"

# The first match names the browser, then the system: order matters (Edge and
# Opera say "Chrome" too, Chrome says "Safari").
_BROWSERS = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("YaBrowser/", "Yandex Browser"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]
_PRINTABLE = re.compile(r"[^\x20-\x7e]")


def describe(user_agent: str) -> str:
    """ "Firefox on Windows": a browser as its owner would name it."""
    user_agent = _PRINTABLE.sub("", user_agent or "")[:500]
    if not user_agent:
        return ""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or user_agent[:100]


def remember(request, user) -> bool:
    """Note the browser `request` came from as one `user` signed in from;
    True if the account has signed in before but never from it."""
    token = request.COOKIES.get(COOKIE, "")
    known = KnownBrowser.objects.filter(user=user)
    if token and known.filter(token_digest=digest(token), forgotten=False).exists():
        return False
    had_history = known.exists()
    token = secrets.token_urlsafe(32)
    KnownBrowser.objects.create(
        user=user,
        token_digest=digest(token),
        browser=describe(request.META.get("HTTP_USER_AGENT", "")),
    )
    # The middleware sets the cookie on the response (set_cookie below).
    setattr(request, _REQUEST_ATTRIBUTE, token)
    return had_history


def set_cookie(request, response):
    token = getattr(request, _REQUEST_ATTRIBUTE, None)
    if token:
        response.set_cookie(
            COOKIE,
            token,
            max_age=timedelta(days=settings.NEWSROOM_BROWSER_COOKIE_DAYS),
            path=reverse("admin:index"),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


def forget(users):
    """Every browser of `users` must be trusted again."""
    return KnownBrowser.objects.filter(user__in=users).update(forgotten=True)


def tell_of_new_browser(request, user, *, origin: str):
    """Email `user` that their account signed in from a browser it never used.
    A mail server that fails is logged; the sign-in stands."""
    if not user.email:
        return
    language = StaffProfile.language_of(user) or settings.LANGUAGE_CODE
    with translation.override(language):
        values = {
            "site_name": settings.NEWSROOM_SITE_NAME,
            "account": user.get_username(),
            "browser": describe(request.META.get("HTTP_USER_AGENT", ""))
            or gettext("an unknown browser"),
            "when": formats.date_format(
                timezone.localtime(timezone.now()), "DATETIME_FORMAT"
            ),
            "link": origin + reverse("staff-security"),
        }
        subject = gettext("New sign-in to %(site_name)s") % values
        body = "\n".join(
            [
                gettext(
                    "Your account %(account)s signed in from %(browser)s on "
                    "%(when)s, a browser it had not used before."
                )
                % values,
                "",
                gettext(
                    "If that was you, there is nothing to do. If not, sign in, "
                    "end the sessions you do not know and change your password, "
                    "then tell your editor:"
                ),
                values["link"],
            ]
        )
    try:
        mail.send_mail(subject, body + "\n", None, [user.email])
    except Exception:
        logger.exception(
            "Could not send the new sign-in email to %s; check DJANGO_EMAIL_HOST.",
            user.get_username(),
        )

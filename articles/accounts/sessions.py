"""Each signed-in staff session: listed for its owner, touched as it is used,
ended from anywhere.

A session opened by signing in gets a StaffSession row, and the session
holds the row's id. The middleware signs out any session whose row is gone,
so ending a session is deleting its row (and its stored session, at once).
"""

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from articles.models import StaffSession
from articles.serving.clients import client_ip

from .browsers import describe

SESSION_KEY = "newsroom_staff_session"
# A session's "last seen" is written at most this often (seconds).
TOUCH_EVERY = 60


def _store() -> type[SessionBase]:
    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")


def start(request, user) -> StaffSession:
    """The session `request` just signed `user` into."""
    row = StaffSession.objects.create(
        user=user,
        session_key=request.session.session_key or "",
        browser=describe(request.META.get("HTTP_USER_AGENT", "")),
        ip_address=client_ip(request),
    )
    request.session[SESSION_KEY] = str(row.pk)
    return row


def current(request) -> StaffSession | None:
    """The row of the session `request` belongs to; None once it is ended."""
    row_id = request.session.get(SESSION_KEY)
    if not row_id:
        return None
    try:
        return StaffSession.objects.filter(pk=row_id, user=request.user.pk).first()
    except (ValueError, TypeError):
        return None


def touch(request, row: StaffSession) -> None:
    """Note that the session is in use (and under which key, which Django
    changes on sign-in and on a password change)."""
    now = timezone.now()
    key = request.session.session_key or row.session_key
    if key != row.session_key or (now - row.last_seen_at).total_seconds() > TOUCH_EVERY:
        StaffSession.objects.filter(pk=row.pk).update(session_key=key, last_seen_at=now)


def live_of(user) -> list[StaffSession]:
    """The account's sessions that still sign it in, newest first. Rows of
    sessions that ended by themselves (expired, or signed out by a password
    change: each session holds a hash of the password it began with) go."""
    store = _store()
    wanted = user.get_session_auth_hash()
    live, dead = [], []
    for row in StaffSession.objects.filter(user=user):
        data = store(session_key=row.session_key).load() if row.session_key else {}
        if data.get(HASH_SESSION_KEY) == wanted:
            live.append(row)
        else:
            dead.append(row.pk)
    StaffSession.objects.filter(pk__in=dead).delete()
    return live


def forget(request) -> None:
    """The session is signing out: its row goes with it."""
    row_id = request.session.get(SESSION_KEY)
    if row_id:
        StaffSession.objects.filter(pk=row_id).delete()


def end(rows) -> int:
    """End the sessions of `rows` (a StaffSession queryset) now; how many."""
    rows = list(rows)
    store = _store()
    for row in rows:
        if row.session_key:
            store(session_key=row.session_key).delete()
    StaffSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


def end_others(request, user) -> int:
    """End every session of `user` but the one `request` belongs to."""
    return end(
        StaffSession.objects.filter(user=user).exclude(
            pk=request.session.get(SESSION_KEY)
        )
    )


def end_all(users) -> int:
    """End every session of `users`, tracked or not: sessions stored in the
    database that name one of them go too."""
    ended = end(StaffSession.objects.filter(user__in=users))
    ids = {str(pk) for pk in users.values_list("pk", flat=True)}
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        with transaction.atomic():
            stale = [
                session.pk
                for session in Session.objects.filter(expire_date__gt=timezone.now())
                if str(session.get_decoded().get("_auth_user_id")) in ids
            ]
            ended += Session.objects.filter(pk__in=stale).delete()[0]
    return ended

"""The emergency lockdown: the day a laptop is seized or an account is
phished.

Starting one ends every staff session, marks every staff password as needing
a reset and forgets every browser staff signed in from (each must be trusted
again), except for the named break-glass accounts; and it freezes publishing:
no publish, schedule or unpublish, no change to a live story, and scheduled
stories wait (Article.objects.published() holds back any story due after the
lockdown began). The public site keeps serving. Lifting it lets publishing
resume; passwords still to be reset stay so. Both are security events, with
who and when.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from articles.models import Article, Lockdown, PasswordResetRequired
from articles.serving.invalidation import forget_pages

from . import browsers, events, sessions

Kind = events.Kind


class LockdownError(ValueError):
    """A lockdown move that cannot be made as asked."""


def in_force() -> Lockdown | None:
    return Lockdown.objects.in_force()


def accounts_named(names, *, superusers_only=False):
    """The active accounts `names` names, as break-glass accounts, and the
    names that name none."""
    names = {name.strip() for name in names} - {""}
    accounts = get_user_model().objects.filter(username__in=names, is_active=True)
    if superusers_only:
        accounts = accounts.filter(is_superuser=True)
    accounts = list(accounts)
    return accounts, names - {account.get_username() for account in accounts}


def staff_except(break_glass):
    return (
        get_user_model()
        .objects.filter(is_staff=True)
        .exclude(pk__in=[user.pk for user in break_glass])
    )


def lockdown_start(*, by: str, break_glass=(), request=None) -> Lockdown:
    """Lock the newsroom down; `by` says who did it ("alice", "root on the
    command line"). `break_glass`: users kept signed in and left as they are."""
    break_glass = list({user.pk: user for user in break_glass}.values())
    with transaction.atomic():
        if in_force():
            raise LockdownError(_already())
        try:
            with transaction.atomic():
                lockdown = Lockdown.objects.create(
                    started_by=by[:150],
                    break_glass=sorted(user.get_username() for user in break_glass),
                )
        except IntegrityError:
            # Someone else started one at the same moment.
            raise LockdownError(_already()) from None
        staff = staff_except(break_glass)
        ended = sessions.end_all(staff)
        PasswordResetRequired.objects.bulk_create(
            [PasswordResetRequired(user=user) for user in staff],
            ignore_conflicts=True,
        )
        forgotten = browsers.forget(staff)
        lockdown.sessions_ended = ended
        lockdown.save(update_fields=["sessions_ended"])
        events.record(
            Kind.LOCKDOWN,
            request=request,
            actor=by,
            detail=(
                f"{ended} sessions ended, {staff.count()} passwords to reset, "
                f"{forgotten} browsers forgotten; break-glass: "
                f"{', '.join(lockdown.break_glass) or 'none'}"
            ),
        )
        forget_pages()
    return lockdown


def lockdown_lift(*, by: str, request=None) -> Lockdown:
    """End the lockdown in force: publishing resumes, and stories whose time
    came meanwhile go live."""
    with transaction.atomic():
        lockdown = Lockdown.objects.select_for_update().filter(in_force=True).first()
        if lockdown is None:
            raise LockdownError(gettext("No lockdown is in force."))
        lockdown.in_force = False
        lockdown.lifted_at = timezone.now()
        lockdown.lifted_by = by[:150]
        lockdown.save(update_fields=["in_force", "lifted_at", "lifted_by"])
        events.record(
            Kind.LOCKDOWN_LIFTED,
            request=request,
            actor=by,
            detail=f"lockdown of {lockdown.started_at:%Y-%m-%d %H:%M} UTC lifted",
        )
        forget_pages()
    return lockdown


def waiting(lockdown: Lockdown):
    """Stories due since the lockdown began, held back until it is lifted."""
    return Article.objects.filter(
        status=Article.Status.PUBLISHED,
        published_at__gt=lockdown.started_at,
        published_at__lte=timezone.now(),
    )


def _already() -> str:
    lockdown = in_force()
    if lockdown is None:
        return gettext("A lockdown is already in force.")
    return gettext("A lockdown is already in force, since %(when)s (%(who)s).") % {
        "when": timezone.localtime(lockdown.started_at).strftime("%Y-%m-%d %H:%M"),
        "who": lockdown.started_by,
    }

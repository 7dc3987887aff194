"""Moving stories through draft → review → published, and who may do what.

Reporters write, edit their own drafts, submit them for review and withdraw
them; people with the `publish_article` permission (the Editor group)
publish, schedule, return with a comment and unpublish. The moves each role
may make in each state are listed once here (`moves_for`): the publishing bar
offers those, and every way in (the bar, the list's actions, a hand-made
POST) is refused anything else. Every move is a revision and an admin log
entry saying what happened. What a story shows goes with the story: a change
to a picture or an embed that would reach a story the user may not edit
needs an editor.
"""

from datetime import datetime

import reversion
from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Lockdown
from articles.models.content import now_to_the_second

Status = Article.Status
State = Article.State


class WorkflowError(ValueError):
    """A move that makes no sense for the story as it stands."""


class Move(models.TextChoices):
    SAVE = "save", pgettext_lazy("publishing button", "Save")
    SUBMIT = "submit", _("Submit for review")
    WITHDRAW = "withdraw", _("Withdraw from review")
    RETURN = "return", _("Return with comment")
    PUBLISH = "publish", _("Publish now")
    SCHEDULE = "schedule", pgettext_lazy("publishing button", "Schedule")
    UPDATE = "update", _("Update live story")
    UNPUBLISH = "unpublish", pgettext_lazy("publishing button", "Unpublish")


# What each role may do to a story in each state, in the order the bar offers it.
EDITOR_MOVES = {
    State.DRAFT: (Move.SAVE, Move.SUBMIT, Move.PUBLISH, Move.SCHEDULE),
    State.REVIEW: (Move.SAVE, Move.PUBLISH, Move.SCHEDULE, Move.RETURN),
    State.SCHEDULED: (Move.SAVE, Move.PUBLISH, Move.SCHEDULE, Move.UNPUBLISH),
    State.LIVE: (Move.UPDATE, Move.SCHEDULE, Move.UNPUBLISH),
}
REPORTER_MOVES = {
    State.DRAFT: (Move.SAVE, Move.SUBMIT),
    State.REVIEW: (Move.WITHDRAW,),
}
EDITORS_ONLY = {Move.PUBLISH, Move.SCHEDULE, Move.RETURN, Move.UPDATE, Move.UNPUBLISH}

# How the log and the revisions word a move; the review queue reads them back,
# so they are kept in English (apply_move), whatever the editor's language,
# and translated only as they are shown (in_editors_words).
SUBMITTED = gettext_noop("Submitted for review")
RETURNED = "Returned with a comment"
WITHDRAWN = gettext_noop("Withdrawn from review (back to draft)")
PUBLISHED = gettext_noop("Published")
PUBLISHED_AS_NEW = gettext_noop("Published as new")
PUBLISHED_AGAIN = gettext_noop("Published again, keeping its first date (%(when)s)")
SCHEDULED = "Scheduled for"
SCHEDULED_FOR = gettext_noop("Scheduled for %(when)s")
UNPUBLISHED = gettext_noop("Unpublished (back to draft)")
RETURNED_TO_DRAFT = gettext_noop("Returned to draft")
PREVIEWS_REVOKED = gettext_noop("Preview links revoked")

_REFUSALS = {
    Move.SAVE: _("“%(story)s” is live: use “Update live story”."),
    Move.SUBMIT: _("“%(story)s” is not a draft."),
    Move.WITHDRAW: _("“%(story)s” is not in review."),
    Move.RETURN: _("“%(story)s” is not in review."),
    Move.PUBLISH: _("“%(story)s” is already live."),
    Move.UPDATE: _("“%(story)s” is not live."),
    Move.UNPUBLISH: _("“%(story)s” is already a draft."),
}


def can_publish(user) -> bool:
    return user.has_perm("articles.publish_article")


def can_edit(user, article: Article) -> bool:
    """Editors change any story; reporters only their own drafts."""
    if not user.has_perm("articles.change_article"):
        return False
    if can_publish(user):
        return True
    return article.status == Status.DRAFT and article.created_by_id == user.pk


def can_change_picture(user, image) -> bool:
    """Editors change any picture; others only one that nothing but stories
    they may edit shows (an author's photo or an outlet's logo is on every
    live page of theirs). In a lockdown, nobody changes one that something
    shows: the site stays as it is."""
    if image.pk is None:
        return True
    if Lockdown.objects.in_force() is not None:
        return not image.where_used()
    if can_publish(user):
        return True
    return all(
        isinstance(used_by, Article) and can_edit(user, used_by)
        for _role, used_by in image.where_used()
    )


def can_change_embed(user, slug: str) -> bool:
    """Editors change any embed; others only one named by no story they may
    not edit (a live, scheduled or in-review story, or another's draft). In a
    lockdown, nobody changes one a published story places."""
    if Lockdown.objects.in_force() is not None:
        return (
            not Article.objects.showing_embed(slug)
            .filter(status=Status.PUBLISHED)
            .exists()
        )
    if can_publish(user):
        return True
    return all(can_edit(user, story) for story in Article.objects.showing_embed(slug))


def can_submit(user, article: Article) -> bool:
    return article.status == Status.DRAFT and can_edit(user, article)


def _is_own(user, article: Article) -> bool:
    return article.pk is None or article.created_by_id == user.pk


def moves_for(user, article: Article) -> tuple:
    """The moves `user` may make on `article` as it stands (unsaved: a new story)."""
    if not user.has_perm(
        "articles.add_article" if article.pk is None else "articles.change_article"
    ):
        return ()
    if can_publish(user):
        return EDITOR_MOVES[article.state]
    if not _is_own(user, article):
        return ()
    return REPORTER_MOVES.get(article.state, ())


# What a lockdown freezes: every move that changes what readers see.
FROZEN_IN_LOCKDOWN = {Move.PUBLISH, Move.SCHEDULE, Move.UPDATE, Move.UNPUBLISH}


def check_move(*, user, article: Article, move: str) -> None:
    """Refuse a move the user's role never makes (PermissionDenied), one the
    story's state does not allow, or one a lockdown freezes (WorkflowError,
    in words)."""
    if move in FROZEN_IN_LOCKDOWN:
        check_not_frozen()
    if move in EDITORS_ONLY and not can_publish(user):
        raise PermissionDenied(
            gettext("“%(move)s” is for editors only.") % {"move": Move(move).label}
        )
    if move == Move.WITHDRAW and can_publish(user):
        raise PermissionDenied(
            gettext("Editors return a story with a comment instead.")
        )
    if move in moves_for(user, article):
        return
    if not can_publish(user) and not _is_own(user, article):
        raise PermissionDenied(
            gettext("You may not change “%(story)s”.") % {"story": article}
        )
    refusal = _REFUSALS.get(
        move,
        # Translators: the state is in lower case: "draft", "in review", "live"…
        _("“%(story)s” is %(state)s: that move does not apply."),
    )
    raise WorkflowError(
        refusal % {"story": article, "state": article.state.label.lower()}
    )


def check_not_frozen() -> None:
    """Refuse (WorkflowError) while a lockdown freezes publishing."""
    lockdown = Lockdown.objects.in_force()
    if lockdown is not None:
        raise WorkflowError(
            gettext(
                "Publishing is frozen: a lockdown is in force since %(when)s. "
                "Nothing is published, scheduled, changed on the site or "
                "taken down until it is lifted."
            )
            % {"when": when(lockdown.started_at)}
        )


def when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def newsroom_time() -> str:
    """The newsroom's time zone as editors say it: "Tbilisi time", "UTC"."""
    zone = settings.TIME_ZONE.rsplit("/", 1)[-1].replace("_", " ")
    if zone.upper() in {"UTC", "GMT"}:
        return zone
    # Translators: a time zone named after its city: "Tbilisi time".
    return gettext("%(city)s time") % {"city": _city_name(zone)}


def _city_name(zone):
    """The time zone's city as the active language writes it ("Тбилиси"), from
    the Unicode CLDR data Babel carries; the zone's own name without one."""
    try:
        found = Locale.parse(translation.to_locale(translation.get_language()))
    except (UnknownLocaleError, ValueError, TypeError):
        return zone
    return found.time_zones.get(settings.TIME_ZONE, {}).get("city") or zone


def schedule_problem(at: datetime | None) -> str:
    """Why `at` cannot be a publication time to schedule for; '' if it can."""
    if at is None:
        return gettext("Choose the day and time it goes live.")
    if at <= timezone.now():
        return gettext("Choose a time in the future, or use “Publish now”.")
    return ""


def was_published(article: Article) -> bool:
    """Published once and taken down since: publishing it again keeps its date."""
    return (
        article.status != Status.PUBLISHED
        and article.published_at is not None
        and article.published_at <= timezone.now()
    )


def _logged_when(moment: datetime) -> str:
    """A time as the log's words give it: in English, as the words are."""
    with translation.override("en"):
        return when(moment)


def _publish(article: Article, *, as_new: bool) -> str:
    again = was_published(article)
    article.status = Status.PUBLISHED
    if again and not as_new:
        return PUBLISHED_AGAIN % {"when": _logged_when(article.published_at)}
    article.published_at = now_to_the_second()
    return PUBLISHED_AS_NEW if again else PUBLISHED


def _unpublish(article: Article) -> str:
    was_visible = article.status == Status.PUBLISHED
    article.status = Status.DRAFT
    return UNPUBLISHED if was_visible else RETURNED_TO_DRAFT


def apply_move(
    article: Article, move: str, *, at=None, as_new=False, comment=""
) -> str:
    """Set the story's status and publication time for a move, without saving;
    what happened in words ('' for a plain save). Check the move first."""
    if move == Move.SUBMIT:
        article.status = Status.REVIEW
        return SUBMITTED
    if move == Move.WITHDRAW:
        article.status = Status.DRAFT
        return WITHDRAWN
    if move == Move.RETURN:
        if not comment.strip():
            raise WorkflowError(
                gettext("Say what needs changing: the reporter reads it.")
            )
        article.status = Status.DRAFT
        return f"{RETURNED}: “{comment.strip()}”"
    if move == Move.PUBLISH:
        return _publish(article, as_new=as_new)
    if move == Move.SCHEDULE:
        article.status, article.published_at = Status.PUBLISHED, at
        return SCHEDULED_FOR % {"when": _logged_when(at)}
    if move == Move.UNPUBLISH:
        return _unpublish(article)
    return ""


def in_editors_words(words: str, article: Article) -> str:
    """What apply_move (or a revocation) said, as the log keeps it in English,
    in the editor's language, for `article` as the move left it."""
    if words.startswith(SCHEDULED + " ") and article.published_at:
        return gettext(SCHEDULED_FOR) % {"when": when(article.published_at)}
    if words.startswith(PUBLISHED + " again") and article.published_at:
        return gettext(PUBLISHED_AGAIN) % {"when": when(article.published_at)}
    return gettext(words) if words else words


def _record(*, article: Article, user, message: str) -> None:
    with reversion.create_revision():
        article.save()
        reversion.set_user(user)
        reversion.set_comment(message)
    LogEntry.objects.log_actions(
        user.pk,
        [article],
        CHANGE,
        change_message=message,
        single_object=True,
    )


def _move(*, article: Article, user, move: str, **details) -> str:
    check_move(user=user, article=article, move=move)
    message = apply_move(article, move, **details)
    _record(article=article, user=user, message=message)
    return message


def article_submit(*, article: Article, user) -> str:
    """Send a draft to the editors."""
    if article.status != Status.DRAFT:
        raise WorkflowError(gettext("“%(story)s” is not a draft.") % {"story": article})
    if not can_edit(user, article):
        raise PermissionDenied(
            gettext("You may not submit “%(story)s”.") % {"story": article}
        )
    return _move(article=article, user=user, move=Move.SUBMIT)


def article_withdraw(*, article: Article, user) -> str:
    """Take one's own story back out of review, to edit it again."""
    return _move(article=article, user=user, move=Move.WITHDRAW)


def article_publish(
    *, article: Article, user, at: datetime | None = None, as_new: bool = False
) -> str:
    """Publish now, or at a future time `at` (scheduling). A story published
    before keeps its first publication date unless `as_new`. A live story is
    never scheduled here: that takes it offline, which its form asks about."""
    if not can_publish(user):
        raise PermissionDenied(gettext("Only editors publish and schedule stories."))
    if at is not None and at > timezone.now():
        if article.is_live:
            raise WorkflowError(
                gettext(
                    "“%(story)s” is live: scheduling it would take it off the site "
                    "until then. Schedule it from its own page, which asks first."
                )
                % {"story": article}
            )
        return _move(article=article, user=user, move=Move.SCHEDULE, at=at)
    return _move(article=article, user=user, move=Move.PUBLISH, as_new=as_new)


def article_revoke_previews(*, article: Article, user) -> str:
    """End every preview link of the story given out so far."""
    if not can_publish(user):
        raise PermissionDenied(gettext("Only editors revoke preview links."))
    article.revoke_previews()
    message = PREVIEWS_REVOKED
    LogEntry.objects.log_actions(
        user.pk, [article], CHANGE, change_message=message, single_object=True
    )
    return message


def article_unpublish(*, article: Article, user) -> str:
    """Take a story off the site (or out of the schedule, or out of review);
    a story taken off the site loses its preview links (Article.save)."""
    if not can_publish(user):
        raise PermissionDenied(gettext("Only editors unpublish stories."))
    if article.status == Status.DRAFT:
        raise WorkflowError(
            gettext("“%(story)s” is already a draft.") % {"story": article}
        )
    if article.status == Status.PUBLISHED:
        check_not_frozen()
    message = _unpublish(article)
    _record(article=article, user=user, message=message)
    return message

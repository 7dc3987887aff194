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
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import formats, timezone

from articles.models import Article
from articles.models.content import now_to_the_second

Status = Article.Status
State = Article.State


class WorkflowError(ValueError):
    """A move that makes no sense for the story as it stands."""


class Move(models.TextChoices):
    SAVE = "save", "Save"
    SUBMIT = "submit", "Submit for review"
    WITHDRAW = "withdraw", "Withdraw from review"
    RETURN = "return", "Return with comment"
    PUBLISH = "publish", "Publish now"
    SCHEDULE = "schedule", "Schedule"
    UPDATE = "update", "Update live story"
    UNPUBLISH = "unpublish", "Unpublish"


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

# How the log and the revisions word a move; the review queue reads them back.
SUBMITTED = "Submitted for review"
RETURNED = "Returned with a comment"
WITHDRAWN = "Withdrawn from review (back to draft)"
PUBLISHED = "Published"
SCHEDULED = "Scheduled for"

_REFUSALS = {
    Move.SAVE: "“{story}” is live: use “Update live story”.",
    Move.SUBMIT: "“{story}” is not a draft.",
    Move.WITHDRAW: "“{story}” is not in review.",
    Move.RETURN: "“{story}” is not in review.",
    Move.PUBLISH: "“{story}” is already live.",
    Move.UPDATE: "“{story}” is not live.",
    Move.UNPUBLISH: "“{story}” is already a draft.",
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
    live page of theirs)."""
    if can_publish(user) or image.pk is None:
        return True
    return all(
        isinstance(used_by, Article) and can_edit(user, used_by)
        for _role, used_by in image.where_used()
    )


def can_change_embed(user, slug: str) -> bool:
    """Editors change any embed; others only one named by no story they may
    not edit (a live, scheduled or in-review story, or another's draft)."""
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


def check_move(*, user, article: Article, move: str) -> None:
    """Refuse a move the user's role never makes (PermissionDenied) or one the
    story's state does not allow (WorkflowError, in words)."""
    if move in EDITORS_ONLY and not can_publish(user):
        raise PermissionDenied(f"“{Move(move).label}” is for editors only.")
    if move == Move.WITHDRAW and can_publish(user):
        raise PermissionDenied("Editors return a story with a comment instead.")
    if move in moves_for(user, article):
        return
    if not can_publish(user) and not _is_own(user, article):
        raise PermissionDenied(f"You may not change “{article}”.")
    refusal = _REFUSALS.get(move, "“{story}” is {state}: that move does not apply.")
    raise WorkflowError(
        refusal.format(story=article, state=article.state.label.lower())
    )


def when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def newsroom_time() -> str:
    """The newsroom's time zone as editors say it: "Tbilisi time", "UTC"."""
    zone = settings.TIME_ZONE.rsplit("/", 1)[-1].replace("_", " ")
    return zone if zone.upper() in {"UTC", "GMT"} else f"{zone} time"


def schedule_problem(at: datetime | None) -> str:
    """Why `at` cannot be a publication time to schedule for; '' if it can."""
    if at is None:
        return "Choose the day and time it goes live."
    if at <= timezone.now():
        return "Choose a time in the future, or use “Publish now”."
    return ""


def was_published(article: Article) -> bool:
    """Published once and taken down since: publishing it again keeps its date."""
    return (
        article.status != Status.PUBLISHED
        and article.published_at is not None
        and article.published_at <= timezone.now()
    )


def _publish(article: Article, *, as_new: bool) -> str:
    again = was_published(article)
    article.status = Status.PUBLISHED
    if again and not as_new:
        return (
            f"{PUBLISHED} again, keeping its first date ({when(article.published_at)})"
        )
    article.published_at = now_to_the_second()
    return f"{PUBLISHED} as new" if again else PUBLISHED


def _unpublish(article: Article) -> str:
    was_visible = article.status == Status.PUBLISHED
    article.status = Status.DRAFT
    return "Unpublished (back to draft)" if was_visible else "Returned to draft"


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
            raise WorkflowError("Say what needs changing: the reporter reads it.")
        article.status = Status.DRAFT
        return f"{RETURNED}: “{comment.strip()}”"
    if move == Move.PUBLISH:
        return _publish(article, as_new=as_new)
    if move == Move.SCHEDULE:
        article.status, article.published_at = Status.PUBLISHED, at
        return f"{SCHEDULED} {when(at)}"
    if move == Move.UNPUBLISH:
        return _unpublish(article)
    return ""


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
        raise WorkflowError(f"“{article}” is not a draft.")
    if not can_edit(user, article):
        raise PermissionDenied(f"You may not submit “{article}”.")
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
        raise PermissionDenied("Only editors publish and schedule stories.")
    if at is not None and at > timezone.now():
        if article.is_live:
            raise WorkflowError(
                f"“{article}” is live: scheduling it would take it off the site "
                "until then. Schedule it from its own page, which asks first."
            )
        return _move(article=article, user=user, move=Move.SCHEDULE, at=at)
    return _move(article=article, user=user, move=Move.PUBLISH, as_new=as_new)


def article_revoke_previews(*, article: Article, user) -> str:
    """End every preview link of the story given out so far."""
    if not can_publish(user):
        raise PermissionDenied("Only editors revoke preview links.")
    article.revoke_previews()
    message = "Preview links revoked"
    LogEntry.objects.log_actions(
        user.pk, [article], CHANGE, change_message=message, single_object=True
    )
    return message


def article_unpublish(*, article: Article, user) -> str:
    """Take a story off the site (or out of the schedule, or out of review);
    a story taken off the site loses its preview links (Article.save)."""
    if not can_publish(user):
        raise PermissionDenied("Only editors unpublish stories.")
    if article.status == Status.DRAFT:
        raise WorkflowError(f"“{article}” is already a draft.")
    message = _unpublish(article)
    _record(article=article, user=user, message=message)
    return message

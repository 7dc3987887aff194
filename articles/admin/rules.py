"""Moving stories through draft → review → published, and who may do what.

Reporters write, edit their own drafts and submit them for review; people
with the `publish_article` permission (the Editor group) publish, schedule and
unpublish. Every move is a revision and an admin log entry saying what happened.
What a story shows goes with the story: a change to a picture or an embed that
would reach a story the user may not edit needs an editor.
"""

from datetime import datetime

import reversion
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.utils import formats, timezone

from articles.models import Article

Status = Article.Status


class WorkflowError(ValueError):
    """A move that makes no sense for the story as it stands."""


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


def when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def describe_move(*, before_status: str, before_published_at, article: Article) -> str:
    """What a save did to a story's state, in an editor's words; '' if nothing."""
    was_visible = before_status == Status.PUBLISHED
    if article.status == Status.PUBLISHED:
        if article.is_scheduled and (
            not was_visible or before_published_at != article.published_at
        ):
            return f"Scheduled for {when(article.published_at)}"
        if not was_visible:
            return "Published"
        if before_published_at != article.published_at:
            return f"Publication time changed to {when(article.published_at)}"
        return ""
    if was_visible:
        return f"Unpublished (back to {article.get_status_display().lower()})"
    if article.status != before_status:
        if article.status == Status.REVIEW:
            return "Submitted for review"
        return "Returned to draft"
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


def article_submit(*, article: Article, user) -> str:
    """Send a draft to the editors."""
    if article.status != Status.DRAFT:
        raise WorkflowError(f"“{article}” is not a draft.")
    if not can_edit(user, article):
        raise PermissionDenied(f"You may not submit “{article}”.")
    article.status = Status.REVIEW
    message = "Submitted for review"
    _record(article=article, user=user, message=message)
    return message


def article_publish(*, article: Article, user, at: datetime | None = None) -> str:
    """Publish now, or at a future time `at` (scheduling)."""
    if not can_publish(user):
        raise PermissionDenied("Only editors publish and schedule stories.")
    now = timezone.now()
    if at is not None and at > now:
        article.published_at = at
        message = f"Scheduled for {when(at)}"
    elif article.is_live:
        raise WorkflowError(f"“{article}” is already live.")
    else:
        article.published_at = now
        message = "Published"
    article.status = Status.PUBLISHED
    _record(article=article, user=user, message=message)
    return message


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
    was_visible = article.status == Status.PUBLISHED
    article.status = Status.DRAFT
    message = "Unpublished (back to draft)" if was_visible else "Returned to draft"
    _record(article=article, user=user, message=message)
    return message

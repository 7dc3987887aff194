"""Email to the people a move concerns: the editors when a story is submitted
for review; its writer and its bylined authors when it is returned with a
comment, published or scheduled. Nobody is told of their own move.

Plain text, one message per person over one connection (Django's email
framework: EMAIL_BACKEND and the SMTP settings). Sent once the move's
transaction has committed, so a move that fails tells nobody; a mail server
that fails is logged and never fails or undoes the move.
"""

import logging
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from articles.models import Article

from . import rules

logger = logging.getLogger(__name__)
Move = rules.Move

SUBJECTS = {
    Move.SUBMIT: "For review: {headline}",
    Move.RETURN: "Returned to you: {headline}",
    Move.PUBLISH: "Published: {headline}",
    Move.SCHEDULE: "Scheduled: {headline}",
}
BODIES = {
    Move.SUBMIT: "{actor} submitted “{headline}” for review.\n\n"
    "Read it, then publish, schedule or return it with a comment:\n{link}\n",
    Move.RETURN: "{actor} returned “{headline}” to you with a comment:\n\n"
    "{comment}\n\nMake the changes, then submit it again:\n{link}\n",
    Move.PUBLISH: "{actor} published “{headline}”. Readers see it at\n{page}\n\n"
    "The story in the admin:\n{link}\n",
    Move.SCHEDULE: "{actor} scheduled “{headline}”: it goes live by itself on "
    "{at}, {zone}.\n\nThe story in the admin:\n{link}\n",
}


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def site_origin(request) -> str:
    """Where links in emails point: NEWSROOM_ADMIN_ORIGIN, or the address the
    request came to (its host is one of ALLOWED_HOSTS)."""
    return settings.NEWSROOM_ADMIN_ORIGIN or request.build_absolute_uri("/")[:-1]


def editors():
    """Active people who may publish, with an email address."""
    publish = Permission.objects.get(
        content_type__app_label="articles", codename="publish_article"
    )
    return get_user_model().objects.filter(
        Q(groups__permissions=publish)
        | Q(user_permissions=publish)
        | Q(is_superuser=True),
        is_active=True,
    )


def authors(story: Article):
    """The story's writer and the people its byline names, if they have accounts."""
    return get_user_model().objects.filter(
        Q(pk=story.created_by_id) | Q(author__bylines__article=story),
        is_active=True,
    )


def recipients(story: Article, move: str, actor_id: int) -> list:
    people = editors() if move == Move.SUBMIT else authors(story)
    return list(
        people.exclude(email="")
        .exclude(pk=actor_id)
        .distinct()
        .order_by("pk")
        .values_list("email", flat=True)
    )


def story_moved(*, request, article: Article, move: str, comment: str = "") -> None:
    """Tell the people `move` concerns, once the transaction commits."""
    if move not in SUBJECTS:
        return
    send = partial(
        _send,
        story_id=article.pk,
        move=move,
        actor=request.user,
        comment=comment.strip(),
        origin=site_origin(request),
    )
    transaction.on_commit(send, robust=True)


def _message(story: Article, move: str, *, actor, comment: str, origin: str):
    headline = " ".join(story.headline.split())
    change = reverse("admin:articles_article_change", args=[story.pk])
    body = BODIES[move].format(
        actor=_name(actor),
        headline=headline,
        comment=comment,
        link=origin + change,
        page=origin + story.get_absolute_url(),
        at=rules.when(story.published_at) if story.published_at else "",
        zone=rules.newsroom_time(),
    )
    signature = f"\n-- \n{settings.NEWSROOM_SITE_NAME} newsroom\n"
    return SUBJECTS[move].format(headline=headline), body + signature


def _send(*, story_id, move, actor, comment, origin) -> None:
    story = Article.objects.filter(pk=story_id).first()
    if story is None:
        return
    addresses = recipients(story, move, actor.pk)
    if not addresses:
        return
    subject, body = _message(story, move, actor=actor, comment=comment, origin=origin)
    messages = [mail.EmailMessage(subject, body, to=[address]) for address in addresses]
    try:
        with mail.get_connection() as connection:
            connection.send_messages(messages)
    except Exception:
        # Whatever the mail server did, the move stands: say so in the log.
        logger.exception(
            "Could not send “%s” to %d people; check DJANGO_EMAIL_HOST and the "
            "other email settings.",
            subject,
            len(messages),
        )

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
from django.utils import translation
from django.utils.translation import gettext

from articles import links
from articles.models import Article

from . import rules

logger = logging.getLogger(__name__)
Move = rules.Move

# The moves that tell someone. Their words are translated as each message is
# written (_words), in the language active then, never at import.
MOVES = frozenset({Move.SUBMIT, Move.RETURN, Move.PUBLISH, Move.SCHEDULE})


def _words(move: str, values: dict) -> tuple[str, list[str]]:
    """A move's subject and the lines of its body, in the active language.

    `values` fills the placeholders: actor, headline, comment, link (the story
    in the admin), page (the story on the site), at and zone (when it goes live).
    """
    if move == Move.SUBMIT:
        subject = gettext("For review: %(headline)s")
        lines = [
            gettext("%(actor)s submitted “%(headline)s” for review.") % values,
            "",
            gettext("Read it, then publish, schedule or return it with a comment:"),
            values["link"],
        ]
    elif move == Move.RETURN:
        subject = gettext("Returned to you: %(headline)s")
        lines = [
            gettext("%(actor)s returned “%(headline)s” to you with a comment:")
            % values,
            "",
            values["comment"],
            "",
            gettext("Make the changes, then submit it again:"),
            values["link"],
        ]
    elif move == Move.PUBLISH:
        subject = gettext("Published: %(headline)s")
        lines = [
            # Translators: the story's address on the site follows, on a line of its own.
            gettext("%(actor)s published “%(headline)s”. Readers see it at") % values,
            values["page"],
            "",
            gettext("The story in the admin:"),
            values["link"],
        ]
    else:
        subject = gettext("Scheduled: %(headline)s")
        lines = [
            # Translators: "at" is a date and time, "zone" a time zone ("Tbilisi time").
            gettext(
                "%(actor)s scheduled “%(headline)s”: it goes live by itself on "
                "%(at)s, %(zone)s."
            )
            % values,
            "",
            gettext("The story in the admin:"),
            values["link"],
        ]
    return subject % values, lines


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


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
    """(email, admin language) of each person to tell; "" for no language chosen."""
    people = editors() if move == Move.SUBMIT else authors(story)
    return [
        (email, language or "")
        for email, language in people.exclude(email="")
        .exclude(pk=actor_id)
        .distinct()
        .order_by("pk")
        .values_list("email", "staff_profile__language")
    ]


def story_moved(*, request, article: Article, move: str, comment: str = "") -> None:
    """Tell the people `move` concerns, once the transaction commits."""
    if move not in MOVES:
        return
    send = partial(
        _send,
        story_id=article.pk,
        move=move,
        actor=request.user,
        comment=comment.strip(),
        origin=links.admin_origin(request),
    )
    transaction.on_commit(send, robust=True)


def _message(story: Article, move: str, *, actor, comment: str, origin: str):
    headline = " ".join(story.headline.split())
    change = reverse("admin:articles_article_change", args=[story.pk])
    subject, lines = _words(
        move,
        {
            "actor": _name(actor),
            "headline": headline,
            "comment": comment,
            "link": origin + change,
            "page": origin + story.get_absolute_url(),
            "at": rules.when(story.published_at) if story.published_at else "",
            "zone": rules.newsroom_time(),
        },
    )
    # Translators: the signature of the emails the newsroom's staff are sent.
    team = gettext("%(site_name)s newsroom") % {
        "site_name": settings.NEWSROOM_SITE_NAME
    }
    body = "\n".join(lines) + "\n"
    return subject, f"{body}\n-- \n{team}\n"


def _send(*, story_id, move, actor, comment, origin) -> None:
    story = Article.objects.filter(pk=story_id).first()
    if story is None:
        return
    addresses = recipients(story, move, actor.pk)
    if not addresses:
        return
    messages = []
    for address, language in addresses:
        # Each person reads it in the language they chose for their admin.
        with translation.override(language or settings.LANGUAGE_CODE):
            subject, body = _message(
                story, move, actor=actor, comment=comment, origin=origin
            )
        messages.append(mail.EmailMessage(subject, body, to=[address]))
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

"""The review queue on the admin's home page, and what the admin log says
about a story's latest moves (who submitted it, returned it, published it).

Editors see what awaits review, what is scheduled and what went out lately;
reporters see their drafts, what they submitted and what came back with an
editor's comment. A few stories each, in a bounded number of queries
whatever the size of the archive: one per list, and one for the log.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from articles.models import Article

from . import rules

Status = Article.Status
SHOWN = 5
# A reporter's drafts read to find which came back with a comment.
DRAFTS_READ = 50
# The log's words for each kind of move (rules.apply_move writes them).
KINDS = {
    "submitted": rules.SUBMITTED,
    "returned": rules.RETURNED,
    "withdrawn": rules.WITHDRAWN,
    "published": rules.PUBLISHED,
    "scheduled": rules.SCHEDULED,
}


@dataclass
class Moved:
    who: str
    at: datetime
    message: str

    @property
    def comment(self) -> str:
        """What the editor said, on a return (and the changes they made)."""
        return self.message.removeprefix(rules.RETURNED + ": ")


def _name(user) -> str:
    if user is None:
        return gettext("someone")
    return user.get_full_name() or user.get_username()


def last_moves(stories) -> dict:
    """{story pk: {kind: the latest Moved of that kind}}, in one query."""
    ids = [str(story.pk) for story in stories]
    if not ids:
        return {}
    said = Q()
    for words in KINDS.values():
        said |= Q(change_message__startswith=words)
    entries = (
        LogEntry.objects.filter(
            said,
            content_type=ContentType.objects.get_for_model(Article),
            object_id__in=ids,
        )
        .select_related("user")
        .order_by("-action_time", "-pk")
    )
    moves = {}
    for entry in entries:
        kind = next(k for k, w in KINDS.items() if entry.change_message.startswith(w))
        moves.setdefault(int(entry.object_id), {}).setdefault(
            kind, Moved(_name(entry.user), entry.action_time, entry.change_message)
        )
    return moves


def latest_kind(moves: dict) -> str:
    latest = max(moves.items(), key=lambda item: item[1].at, default=None)
    return latest[0] if latest else ""


@dataclass
class Item:
    story: Article
    said: str
    comment: str = ""

    @property
    def url(self):
        return reverse("admin:articles_article_change", args=[self.story.pk])


@dataclass
class Panel:
    title: str
    empty: str
    state: str
    items: list = field(default_factory=list)
    more: bool = False

    @property
    def more_url(self):
        return reverse("admin:articles_article_changelist") + f"?state={self.state}"


def _stories(queryset, limit=SHOWN + 1):
    return list(
        queryset.only("headline", "status", "published_at", "updated_at")[:limit]
    )


def _panel(title, empty, state, stories, say):
    panel = Panel(title, empty, state, more=len(stories) > SHOWN)
    panel.items = [say(story) for story in stories[:SHOWN]]
    return panel


def _said(moves, kind, words, words_by, **values):
    """`words`, or `words_by` naming who made the move of `kind` if the log says."""
    moved = moves.get(kind)
    if moved is None:
        return gettext(words) % values
    return gettext(words_by) % {**values, "who": moved.who}


def editor_panels() -> list:
    review = _stories(
        Article.objects.filter(status=Status.REVIEW).order_by("updated_at")
    )
    scheduled = _stories(Article.objects.scheduled().order_by("published_at"))
    recent = _stories(Article.objects.published().order_by("-published_at"))
    moves = last_moves([*review, *scheduled, *recent])

    def submitted(story):
        moved = moves.get(story.pk, {}).get("submitted")
        at = moved.at if moved else story.updated_at
        said = _said(
            moves.get(story.pk, {}),
            "submitted",
            gettext_noop("Submitted, %(when)s"),
            gettext_noop("Submitted by %(who)s, %(when)s"),
            when=rules.when(at),
        )
        return Item(story, said)

    def going_out(story):
        said = _said(
            moves.get(story.pk, {}),
            "scheduled",
            gettext_noop("Goes live %(when)s; scheduled"),
            gettext_noop("Goes live %(when)s; scheduled by %(who)s"),
            when=rules.when(story.published_at),
        )
        return Item(story, said)

    def went_out(story):
        said = _said(
            moves.get(story.pk, {}),
            "published",
            gettext_noop("Published %(when)s"),
            gettext_noop("Published %(when)s by %(who)s"),
            when=rules.when(story.published_at),
        )
        return Item(story, said)

    return [
        _panel(
            _("Awaiting review"),
            _("Nothing is waiting for review."),
            "review",
            review,
            submitted,
        ),
        _panel(
            pgettext_lazy("review queue", "Scheduled"),
            _("Nothing is scheduled."),
            "scheduled",
            scheduled,
            going_out,
        ),
        _panel(
            _("Recently published"), _("Nothing is live yet."), "live", recent, went_out
        ),
    ]


def reporter_panels(user) -> list:
    own = Article.objects.filter(created_by=user).order_by("-updated_at")
    drafts = _stories(own.filter(status=Status.DRAFT), limit=DRAFTS_READ)
    submitted = _stories(own.filter(status=Status.REVIEW))
    moves = last_moves([*drafts, *submitted])
    came_back_ids = {
        s.pk for s in drafts if latest_kind(moves.get(s.pk, {})) == "returned"
    }
    returned = [s for s in drafts if s.pk in came_back_ids]
    writing = [s for s in drafts if s.pk not in came_back_ids]

    def saved(story):
        said = gettext("Saved %(when)s") % {"when": rules.when(story.updated_at)}
        return Item(story, said)

    def sent(story):
        moved = moves.get(story.pk, {}).get("submitted")
        at = moved.at if moved else story.updated_at
        return Item(story, gettext("Submitted %(when)s") % {"when": rules.when(at)})

    def came_back(story):
        moved = moves[story.pk]["returned"]
        said = gettext("Returned by %(who)s, %(when)s") % {
            "who": moved.who,
            "when": rules.when(moved.at),
        }
        return Item(story, said, moved.comment)

    return [
        _panel(
            pgettext_lazy("review queue", "Returned"),
            _("Nothing has come back to you."),
            "draft",
            returned,
            came_back,
        ),
        _panel(
            _("My drafts"),
            _("No drafts: start one with “Add story”."),
            "draft",
            writing,
            saved,
        ),
        _panel(
            pgettext_lazy("review queue", "Submitted"),
            _("Nothing of yours is waiting for review."),
            "review",
            submitted,
            sent,
        ),
    ]


def review_queue(user) -> list:
    """The lists the admin's home page shows `user`, by their role."""
    if rules.can_publish(user):
        return editor_panels()
    if user.has_perm("articles.change_article"):
        return reporter_panels(user)
    return []

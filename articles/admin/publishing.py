"""The publishing bar on the story form: the moves a user may make on the
story as it stands, as buttons; the story's state in words; and what a move
did, said in words after it.

Each button submits the whole story form (ArticleAdminForm) with its move,
so an edit and the move are one save, one revision and one log entry. The
form checks the move against rules.moves_for; a reporter's "Withdraw", on a
story they can no longer edit, posts to its own address instead.
"""

import json
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from articles.models import Article

from . import notifications, rules
from .queue import last_moves, latest_kind

Move = rules.Move
Status = Article.Status

# What the plain buttons say.
LABELS = {
    Move.SUBMIT: _("Submit for review"),
    Move.WITHDRAW: _("Withdraw from review"),
    Move.PUBLISH: _("Publish now"),
    Move.UPDATE: _("Update live story"),
}
# Schedule and Return open a panel first; Unpublish comes last, after them.
APART = {Move.SCHEDULE, Move.RETURN, Move.UNPUBLISH}
# The button that stands out, by state, when the user may press it.
MAIN = {
    Article.State.DRAFT: (Move.PUBLISH, Move.SUBMIT),
    Article.State.REVIEW: (Move.PUBLISH,),
    Article.State.SCHEDULED: (Move.SAVE,),
    Article.State.LIVE: (Move.UPDATE,),
}


@dataclass
class Button:
    move: str
    label: str
    main: bool = False


@dataclass
class Bar:
    state: str
    note: dict | None = None
    buttons: list = field(default_factory=list)
    schedule: bool = False
    takes_offline: bool = False
    return_with_comment: bool = False
    unpublish: bool = False
    first_published: str = ""
    withdraw_url: str = ""
    delete_url: str = ""


def logged_moves(story: Article) -> dict:
    """The story's latest moves as the log tells them, read once per instance."""
    if story.pk is None:
        return {}
    if not hasattr(story, "_logged_moves"):
        story._logged_moves = last_moves([story]).get(story.pk, {})
    return story._logged_moves


def state_in_words(story: Article, moves: dict) -> str:
    """Where the story stands, as an editor would say it."""
    if story.pk is None:
        return gettext("New story, not saved yet")
    at = {"zone": rules.newsroom_time()}
    if story.published_at:
        at["when"] = rules.when(story.published_at)
    if story.is_scheduled:
        # Translators: "zone" is the newsroom's time zone: "Tbilisi time", "UTC".
        return gettext("Scheduled for %(when)s, %(zone)s") % at
    if story.is_live:
        return gettext("Live since %(when)s, %(zone)s") % at
    if story.status == Status.REVIEW and (submitted := moves.get("submitted")):
        return gettext("In review since %(when)s, %(zone)s (submitted by %(who)s)") % {
            **at,
            "when": rules.when(submitted.at),
            "who": submitted.who,
        }
    if story.status == Status.REVIEW:
        return pgettext("story state", "In review")
    if rules.was_published(story):
        return (
            gettext("Draft, taken off the site; first published %(when)s, %(zone)s")
            % at
        )
    return pgettext("story state", "Draft")


def returned_note(moves: dict):
    """The editor's return, while it is the latest word on a draft: who, when
    and what they said (the log's words after "Returned with a comment: ")."""
    if latest_kind(moves) != "returned":
        return None
    returned = moves["returned"]
    return {
        "who": returned.who,
        "when": rules.when(returned.at),
        "text": returned.comment,
    }


def _save_label(story: Article) -> str:
    if story.status == Status.DRAFT:
        return gettext("Save draft")
    return gettext("Save changes")


def _buttons(story: Article, moves) -> list:
    main = next((move for move in MAIN[story.state] if move in moves), None)
    labels = {**LABELS, Move.SAVE: _save_label(story)}
    return [
        Button(move, labels[move], main=move == main)
        for move in moves
        if move not in APART
    ]


def publishing_bar(request, story: Article, *, may_delete: bool) -> Bar:
    moves = rules.moves_for(request.user, story)
    logged = logged_moves(story)
    bar = Bar(
        state=state_in_words(story, logged),
        note=returned_note(logged) if story.status == Status.DRAFT else None,
        buttons=_buttons(story, moves),
        schedule=Move.SCHEDULE in moves,
        takes_offline=story.is_live,
        return_with_comment=Move.RETURN in moves,
        unpublish=Move.UNPUBLISH in moves,
    )
    if Move.PUBLISH in moves and rules.was_published(story):
        bar.first_published = rules.when(story.published_at)
    if Move.WITHDRAW in moves:
        bar.withdraw_url = reverse("admin:articles_article_withdraw", args=[story.pk])
    if may_delete and story.pk:
        bar.delete_url = reverse("admin:articles_article_delete", args=[story.pk])
    return bar


SAID = {
    Move.SUBMIT: _(
        "Submitted for review: the editors have been told about “%(story)s”."
    ),
    Move.WITHDRAW: _(
        "Withdrawn from review: “%(story)s” is a draft again, yours to edit."
    ),
    Move.RETURN: _(
        "Returned to the reporter with your comment: they have been told "
        "about “%(story)s”."
    ),
    Move.UNPUBLISH: _("Unpublished: “%(story)s” is off the site and back to draft."),
    Move.UPDATE: _("Live story updated: readers see the changes to “%(story)s” now."),
}


def outcome_message(story: Article, move: str, words: str, *, was_live: bool) -> str:
    """What a save did, for the person who pressed the button."""
    said = {"story": story, "zone": rules.newsroom_time()}
    if story.published_at:
        said["when"] = rules.when(story.published_at)
    if move in SAID:
        return SAID[move] % said
    if move == Move.PUBLISH:
        if words.startswith(f"{rules.PUBLISHED} again"):
            return (
                gettext(
                    "Published: “%(story)s” is live. It keeps its first publication date."
                )
                % said
            )
        return gettext("Published: “%(story)s” is live.") % said
    if move == Move.SCHEDULE:
        if was_live:
            return (
                gettext(
                    "Scheduled: “%(story)s” goes live on %(when)s, %(zone)s. It is off "
                    "the site until then."
                )
                % said
            )
        return gettext("Scheduled: “%(story)s” goes live on %(when)s, %(zone)s.") % said
    if story.is_scheduled:
        return (
            gettext("Saved: “%(story)s” stays scheduled for %(when)s, %(zone)s.") % said
        )
    if story.status == Status.REVIEW:
        return gettext("Saved: “%(story)s” stays in review.") % said
    return gettext("Draft saved: “%(story)s”.") % said


@dataclass
class Outcome:
    move: str
    words: str
    was_live: bool


class PublishingBarMixin:
    """The bar's half of ArticleWorkflowMixin: moves made through the story form."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # a class made for this request alone
        return form

    def get_urls(self):
        withdraw = path(
            "<path:object_id>/withdraw/",
            self.admin_site.admin_view(self.withdraw_view),
            name="articles_article_withdraw",
        )
        return [withdraw, *super().get_urls()]

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        story = obj if obj is not None else context["adminform"].form.instance
        context["publishing"] = publishing_bar(
            request, story, may_delete=self.has_delete_permission(request, obj)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        was_live = obj.is_live
        data = form.cleaned_data
        words = rules.apply_move(
            obj,
            form.chosen_move,
            at=data.get("schedule_at"),
            as_new=data.get("publish_as_new", False),
            comment=data.get("return_comment", ""),
        )
        if obj.status == Status.PUBLISHED and not rules.can_publish(request.user):
            raise PermissionDenied
        request.publishing_outcome = Outcome(form.chosen_move, words, was_live)
        super().save_model(request, obj, form, change)
        notifications.story_moved(
            request=request,
            article=obj,
            move=form.chosen_move,
            comment=data.get("return_comment", ""),
        )

    def construct_change_message(self, request, form, formsets, add):
        message = super().construct_change_message(request, form, formsets, add)
        outcome = getattr(request, "publishing_outcome", None)
        if outcome is None or not outcome.words:
            return message
        said = outcome.words if outcome.words.endswith("”") else outcome.words + "."
        if message in ([], [{"added": {}}]):
            return said
        # Kept as the log's words are, in English, not in this editor's language.
        with translation.override("en"):
            details = LogEntry(change_message=json.dumps(message)).get_change_message()
        return f"{said} {details}"

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_move(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self._after_move(request, obj) or super().response_change(request, obj)

    def _after_move(self, request, obj):
        outcome = getattr(request, "publishing_outcome", None)
        others = {IS_POPUP_VAR, "_addanother", "_saveasnew"}
        if outcome is None or others & set(request.POST):
            return None
        message = outcome_message(
            obj, outcome.move, outcome.words, was_live=outcome.was_live
        )
        self.message_user(request, message, messages.SUCCESS)
        if "move" not in request.POST and "_continue" not in request.POST:
            return self.response_post_save_change(request, obj)
        url = reverse("admin:articles_article_change", args=[obj.pk])
        context = {
            "preserved_filters": self.get_preserved_filters(request),
            "opts": self.opts,
        }
        return HttpResponseRedirect(add_preserved_filters(context, url))

    def withdraw_view(self, request, object_id):
        """A reporter takes their story back out of review (POST only)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        story = self.get_object(request, object_id)
        if story is None:
            raise Http404("No such story.")
        with transaction.atomic():
            story = Article.objects.select_for_update().get(pk=story.pk)
            try:
                rules.article_withdraw(article=story, user=request.user)
            except rules.WorkflowError as refusal:
                self.message_user(request, str(refusal), messages.WARNING)
            else:
                message = outcome_message(story, Move.WITHDRAW, "", was_live=False)
                self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[story.pk])
        )

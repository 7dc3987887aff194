"""The story admin's editorial workflow: states, actions, previews, recovery,
over the publishing bar (publishing.py).

Everything here is enforced on the server: a reporter who crafts a POST by
hand meets the same form checks, permission checks and `save_model` guard
as one who uses the buttons.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.models import Article

from . import notifications, rules
from .forms import ArticleAdminForm, ScheduleForm
from .history import register_stories
from .publishing import PublishingBarMixin, logged_moves, state_in_words

Status = Article.Status


def _without(fields, unwanted):
    return [field for field in fields if field != unwanted]


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Article.State.choices

    def queryset(self, request, queryset):
        if self.value() in Article.State.values:
            return queryset.in_state(self.value())
        return queryset


class ArticleWorkflowMixin(PublishingBarMixin):
    """Roles and workflow for ArticleAdmin; put it before HistoryAdmin."""

    form = ArticleAdminForm
    change_list_template = "admin/articles/article/change_list.html"
    actions = [
        "submit_for_review",
        "publish_now",
        "schedule",
        "unpublish",
        "revoke_previews",
    ]

    # Registration: the story's revisions follow its tags too.

    def reversion_register(self, model, **kwargs):
        if model is Article:
            register_stories()
        else:
            super().reversion_register(model, **kwargs)

    # Who may do what.

    def has_publish_permission(self, request):
        return rules.can_publish(request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return rules.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return rules.can_edit(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "publication"]

    @admin.display(description=_("Where it stands"))
    def publication(self, obj):
        return state_in_words(obj, logged_moves(obj))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        if not self.has_change_permission(request, obj):
            # A preview link shows the story to anyone who has it: only
            # people who may edit the story are given one. The state is in
            # words above; its raw status would only repeat it.
            return [
                (
                    name,
                    {
                        **options,
                        "fields": _without(
                            _without(options["fields"], "preview_link"), "status"
                        ),
                    },
                )
                for name, options in fieldsets
            ]
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "opened_at"]}), *rest]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            # Moves are made with the publishing bar; the status travels
            # hidden, for clients that name a move by posting it.
            kwargs["widget"] = forms.HiddenInput
            if not rules.can_publish(request.user):
                kwargs["choices"] = [
                    (Status.DRAFT, Status.DRAFT.label),
                    (Status.REVIEW, Status.REVIEW.label),
                ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    # Preview links, revoked in one step by an editor.

    def get_urls(self):
        revoke = path(
            "<path:object_id>/revoke-previews/",
            self.admin_site.admin_view(self.revoke_previews_view),
            name="articles_article_revoke_previews",
        )
        return [revoke, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {
            "can_revoke_previews": rules.can_publish(request.user),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    def revoke_previews_view(self, request, object_id):
        story = self.get_object(request, object_id)
        if story is None:
            raise Http404("No such story.")
        if not rules.can_publish(request.user):
            raise PermissionDenied
        change_url = reverse("admin:articles_article_change", args=[story.pk])
        if request.method == "POST":
            rules.article_revoke_previews(article=story, user=request.user)
            self.message_user(
                request,
                gettext(
                    "Every preview link of “%(story)s” given out so far has stopped "
                    "working. The story form has a new one."
                )
                % {"story": story},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(change_url)
        return TemplateResponse(
            request,
            "admin/articles/article/revoke_previews.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Revoke preview links"),
                "opts": self.model._meta,
                "original": story,
                "change_url": change_url,
            },
        )

    # Reverting brings back a revision's words, never where the story stood:
    # its state changes only through a move, which is checked and logged.

    STATE_FIELDS = ("status", "published_at", "updated_at", "created_by_id")

    def revision_view(self, request, object_id, version_id, extra_context=None):
        story = self.get_object(request, object_id)
        if story is not None:
            request._story_state = {
                name: getattr(story, name) for name in self.STATE_FIELDS
            }
        return super().revision_view(request, object_id, version_id, extra_context)

    def get_object(self, request, object_id, from_field=None):
        story = super().get_object(request, object_id, from_field)
        state = getattr(request, "_story_state", None)
        if story is not None and state is not None:
            # Read inside the revert, whose transaction holds the revision in
            # the database: the state goes back as it is now, for the form, the
            # permission checks, the check for a colleague's save and the save.
            Article.objects.filter(pk=story.pk).update(**state)
            for name, value in state.items():
                setattr(story, name, value)
        return story

    # Only editors bring deleted stories back: a recovered story may be live.

    def recoverlist_view(self, request, extra_context=None):
        if not rules.can_publish(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not rules.can_publish(request.user):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        # Not inside VersionAdmin's revision block: each workflow action saves
        # one revision per story, so reverting one story never reverts another.
        context = {
            "can_recover": rules.can_publish(request.user),
            **(extra_context or {}),
        }
        return admin.ModelAdmin.changelist_view(self, request, context)

    # Actions.

    @admin.action(description=_("Submit for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._move(request, queryset, rules.article_submit, told=rules.Move.SUBMIT)

    @admin.action(description=_("Publish now"), permissions=["publish"])
    def publish_now(self, request, queryset):
        self._move(request, queryset, rules.article_publish, told=rules.Move.PUBLISH)

    @admin.action(description=_("Schedule…"), permissions=["publish"])
    def schedule(self, request, queryset):
        form = ScheduleForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._move(
                request,
                queryset,
                rules.article_publish,
                told=rules.Move.SCHEDULE,
                at=form.cleaned_data["publish_at"],
            )
            return None
        return TemplateResponse(
            request,
            "admin/articles/article/schedule.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Schedule stories"),
                "opts": self.model._meta,
                "form": form,
                "media": self.media + form.media,
                "queryset": queryset,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._move(request, queryset, rules.article_unpublish)

    @admin.action(description=_("Revoke preview links"), permissions=["publish"])
    def revoke_previews(self, request, queryset):
        self._move(request, queryset, rules.article_revoke_previews)

    def _move(self, request, queryset, move, told=None, **options):
        """Make `move` on each chosen story; tell people of the `told` move."""
        done, skipped = [], []
        chosen = list(queryset.values_list("pk", flat=True))
        with transaction.atomic():
            for article in Article.objects.select_for_update().filter(pk__in=chosen):
                try:
                    outcome = move(article=article, user=request.user, **options)
                except (PermissionDenied, rules.WorkflowError) as error:
                    skipped.append(str(error))
                    continue
                # Translators: a story, then what happened to it ("Published").
                said = gettext("“%(story)s”: %(outcome)s")
                outcome = rules.in_editors_words(outcome, article)
                done.append(said % {"story": article, "outcome": outcome})
                if told:
                    notifications.story_moved(
                        request=request, article=article, move=told
                    )
        if done:
            self.message_user(request, "; ".join(done) + ".", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                gettext("Not changed: %(reasons)s") % {"reasons": " ".join(skipped)},
                messages.WARNING,
            )

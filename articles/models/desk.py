"""What the story form keeps for an editor between saves: autosaves.

An autosave is the story form as one person left it, kept apart from the
story: never the live story, never a revision, never on a page. The admin
(articles.admin.desk) writes it while the form is open and offers it back;
a save of the story, or `manage.py clear_autosaves`, removes it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from articles import editions

from .content import Article


class AutosaveQuerySet(models.QuerySet):
    def of(self, user, story):
        """The autosave of `user` for `story` (None: the new story they are writing)."""
        return self.filter(user=user, story=story)

    def newer_than_save(self, user, story):
        """Their autosave, if it holds changes made after the story was last saved."""
        autosaves = self.of(user, story)
        if story is not None:
            autosaves = autosaves.filter(updated_at__gt=story.updated_at)
        return autosaves.first()


class Autosave(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    story = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="autosaves",
        help_text=_("Blank: a new story, not saved yet."),
        verbose_name=_("story"),
    )
    data = models.JSONField(
        help_text=_("The story form's fields, as the browser had them."),
        verbose_name=_("data"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = AutosaveQuerySet.as_manager()

    class Meta:
        verbose_name = _("autosave")
        verbose_name_plural = _("autosaves")
        ordering = ["-updated_at"]
        # One per person and story; NULL (a new story) is its own story, so it
        # needs a constraint of its own.
        constraints = [
            models.UniqueConstraint(
                fields=["user", "story"],
                condition=Q(story__isnull=False),
                name="one_autosave_per_user_and_story",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(story__isnull=True),
                name="one_new_story_autosave_per_user",
            ),
        ]

    def __str__(self):
        story = self.story or "a new story"
        return f"{self.user} on {story}, {self.updated_at:%Y-%m-%d %H:%M}"


class StaffProfile(models.Model):
    """What a staff member chose for themselves: the language of their admin."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("admin language"),
        max_length=10,
        blank=True,
        choices=[(code, editions.local_name(code)) for code in editions.DESK_LANGUAGES],
        help_text=_("Blank: the language the browser asks for."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return str(self.user)

    @classmethod
    def language_of(cls, user):
        """The admin language `user` chose, or "" for the browser's."""
        found = cls.objects.filter(user=user).values_list("language", flat=True)
        return found.first() or ""

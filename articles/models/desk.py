"""What the story form keeps for an editor between saves: autosaves.

An autosave is the story form as one person left it, kept apart from the
story: never the live story, never a revision, never on a page. The admin
(articles.admin.desk) writes it while the form is open and offers it back;
a save of the story, or `manage.py clear_autosaves`, removes it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    story = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="autosaves",
        help_text="Blank: a new story, not saved yet.",
    )
    data = models.JSONField(
        help_text="The story form's fields, as the browser had them."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AutosaveQuerySet.as_manager()

    class Meta:
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

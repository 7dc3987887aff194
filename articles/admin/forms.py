"""The admin's own forms: a story's (with the edit-conflict check and the
publishing bar's moves), scheduling, an embed's name, and a picture's upload
(checked and stripped of metadata)."""

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles import images
from articles.models import Article, Image, Tag

from . import rules
from .history import last_change

Move = rules.Move
Status = Article.Status


class ArticleAdminForm(forms.ModelForm):
    user = None  # set per request by ArticleWorkflowMixin.get_form
    chosen_move = None  # the move this save makes, once the form is clean

    # When the form was opened: a save is refused if the story changed since.
    opened_at = forms.CharField(widget=forms.HiddenInput, required=False)

    # The publishing bar (admin/articles/article/_publishing_bar.html): the
    # button pressed, and what some moves need. Not the story's own fields.
    move = forms.ChoiceField(choices=Move.choices, required=False)
    schedule_at = forms.SplitDateTimeField(required=False, widget=AdminSplitDateTime)
    confirm_offline = forms.BooleanField(
        required=False,
        label=_("Take it off the site until then"),
        widget=forms.CheckboxInput(attrs={"value": "yes"}),
    )
    publish_as_new = forms.BooleanField(
        required=False, label=_("Publish as new (today's date)")
    )
    return_comment = forms.CharField(
        required=False,
        max_length=2000,
        label=_("What needs changing"),
        help_text=_(
            "The reporter reads this with the story; it is kept in its history."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    BAR_FIELDS = (
        "move",
        "schedule_at",
        "confirm_offline",
        "publish_as_new",
        "return_comment",
    )

    class Media:
        css = {"all": ["articles/admin-publishing.css"]}
        js = ["articles/admin-publishing.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_at"].initial = self.instance.updated_at.isoformat()
        zone = rules.newsroom_time()
        self.fields["schedule_at"].label = gettext("Publish at (%(zone)s)") % {
            "zone": zone
        }
        day, time = self.fields["schedule_at"].widget.widgets
        day.attrs["aria-label"] = gettext("Date")
        time.attrs["aria-label"] = gettext("Time (%(zone)s)") % {"zone": zone}

    @cached_property
    def changed_data(self):
        # The status changes only through a move, which the log names in words.
        unsaid = {*self.BAR_FIELDS, "status"}
        return [name for name in super().changed_data if name not in unsaid]

    def clean(self):
        cleaned_data = super().clean()
        self._refuse_stale_save(cleaned_data.get("opened_at"))
        self._check_move(cleaned_data)
        return cleaned_data

    def _check_move(self, cleaned_data):
        story = self.instance
        move = cleaned_data.get("move") or self._implied_move(
            cleaned_data.get("status", story.status)
        )
        # A posted status only names a move; the move alone changes the
        # story's status and publication time (ArticleWorkflowMixin.save_model).
        cleaned_data["status"] = story.status
        try:
            rules.check_move(user=self.user, article=story, move=move)
        except rules.WorkflowError as refusal:
            raise forms.ValidationError(str(refusal), code="move_refused") from None
        self.chosen_move = move
        if move == Move.SCHEDULE:
            self._check_schedule(cleaned_data)
        if move == Move.RETURN and not cleaned_data.get("return_comment", "").strip():
            self.add_error(
                "return_comment",
                forms.ValidationError(
                    gettext(
                        "Say what needs changing: the reporter reads it with the story."
                    ),
                    code="required",
                ),
            )

    def _implied_move(self, status):
        """The move a client that posts the status field (not a bar button) makes."""
        story = self.instance
        if status == story.status:
            return Move.UPDATE if story.is_live else Move.SAVE
        if status == Status.REVIEW:
            return Move.SUBMIT
        if status == Status.PUBLISHED:
            return Move.PUBLISH
        return Move.UNPUBLISH if story.status == Status.PUBLISHED else Move.RETURN

    def _check_schedule(self, cleaned_data):
        if "schedule_at" in self.errors:
            return
        at = cleaned_data.get("schedule_at")
        if problem := rules.schedule_problem(at):
            self.add_error("schedule_at", forms.ValidationError(problem, code="when"))
        elif self.instance.is_live and not cleaned_data.get("confirm_offline"):
            self.add_error(
                "confirm_offline",
                forms.ValidationError(
                    gettext(
                        "This story is live: scheduling it takes it off the site until "
                        "%(when)s, %(zone)s. Tick the box to go ahead, or keep it live."
                    ),
                    code="confirm_offline",
                    params={"when": rules.when(at), "zone": rules.newsroom_time()},
                ),
            )

    def clean_tags(self):
        return Tag.objects.spelled_as_in_use(self.cleaned_data["tags"])

    def _refuse_stale_save(self, opened_at):
        # The admin's form always carries opened_at; a client that leaves it
        # out gets no protection from overwriting, but no more rights either.
        if not self.instance.pk or not opened_at:
            return
        # Locked until the save commits (the admin wraps it in a transaction),
        # so two editors saving at once cannot both pass this check.
        current = (
            Article.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        if current is None or opened_at == current.isoformat():
            return
        change = last_change(self.instance, since=current)
        raise forms.ValidationError(
            gettext(
                "%(who)s changed this story on %(when)s, after you opened it. Nothing "
                "was saved, so their changes are safe, and your text is still in this "
                "form. Open the story again in a new tab to see their version, then "
                "copy your changes across and save there."
            ),
            code="stale",
            params={"who": change.who, "when": rules.when(change.at)},
        )


class ScheduleForm(forms.Form):
    publish_at = forms.SplitDateTimeField(
        label=_("Publish at"),
        widget=AdminSplitDateTime,
        help_text=_("The stories go live by themselves at this time."),
    )

    def clean_publish_at(self):
        publish_at = self.cleaned_data["publish_at"]
        if publish_at <= timezone.now():
            raise forms.ValidationError(
                gettext("Choose a time in the future, or use “Publish now”.")
            )
        return publish_at


class EmbedWorkflowForm(forms.ModelForm):
    user = None  # set per request by EmbedWorkflowMixin.get_form

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if self.user is not None and not rules.can_change_embed(self.user, slug):
            # A new embed would fill a marker a live story already carries.
            raise forms.ValidationError(
                gettext(
                    "A story you may not edit places an embed with this name, so "
                    "this embed would appear in it. Choose another name, or ask an "
                    "editor."
                ),
                code="shown_elsewhere",
            )
        return slug


class PictureField(forms.FileField):
    """A file field that keeps only real pictures, re-encoded without metadata."""

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        try:
            picture = images.clean(upload)
        except images.Refused as refusal:
            raise forms.ValidationError(str(refusal), code="invalid_image") from None
        cleaned = SimpleUploadedFile(
            picture.filename, picture.content, f"image/{picture.format.lower()}"
        )
        cleaned.picture = picture
        return cleaned


class ImageForm(forms.ModelForm):
    file = PictureField(
        label=_("Picture"),
        help_text=_(
            "A JPEG, PNG, WebP or GIF (first frame). Location, camera and all "
            "other hidden data are removed when it is saved."
        ),
    )

    class Meta:
        model = Image
        fields = [
            "file",
            "title",
            "alt_text",
            "caption",
            "credit",
            "focal_x",
            "focal_y",
        ]

    # The picture already in the library that the upload repeats, if any.
    duplicate = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        picture = getattr(upload, "picture", None)
        if picture is None:
            return upload  # the file the picture already has
        self.duplicate = Image.objects.duplicate_of(
            picture.digest, besides=self.instance.pk
        )
        if self.duplicate:
            raise forms.ValidationError(
                format_html(
                    gettext(
                        "This picture is already in the library as "
                        '“<a href="{url}">{title}</a>”: use that one rather than a '
                        "second copy."
                    ),
                    url=reverse(
                        "admin:articles_image_change", args=[self.duplicate.pk]
                    ),
                    title=self.duplicate,
                ),
                code="duplicate",
            )
        return upload

    def clean(self):
        cleaned_data = super().clean()
        picture = getattr(cleaned_data.get("file"), "picture", None)
        self.camera_credit = ""
        if picture and picture.camera_credit and not cleaned_data.get("credit"):
            # Offered once: the camera's Artist/Copyright, read before stripping.
            cleaned_data["credit"] = self.camera_credit = picture.camera_credit
        return cleaned_data


class ImageUploadForm(ImageForm):
    """A picture uploaded from the story form's chooser: the image form's checks,
    with the focal point left in the middle until the picture's own form."""

    class Meta(ImageForm.Meta):
        fields = ["file", "title", "alt_text", "caption", "credit"]
        # Said beside the file's name in the chooser, so each names its field.
        error_messages = {
            "title": {"required": _("Give the picture a title, to find it by.")},
            "alt_text": {
                "required": _(
                    "Describe what the picture shows (its alt text), for "
                    "readers who cannot see it: a picture is not kept without one."
                )
            },
        }

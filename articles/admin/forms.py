"""The admin's own forms: a story's (with the edit-conflict check), scheduling,
an embed's name, and a picture's upload (checked and stripped of metadata)."""

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from articles import images
from articles.models import Article, Image

from . import rules
from .history import last_change

Status = Article.Status


class ArticleAdminForm(forms.ModelForm):
    # When the form was opened: a save is refused if the story changed since.
    opened_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_at"].initial = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned_data = super().clean()
        self._refuse_stale_save(cleaned_data.get("opened_at"))
        if (
            cleaned_data.get("status") == Status.PUBLISHED
            and "published_at" in self.fields
            and not cleaned_data.get("published_at")
        ):
            cleaned_data["published_at"] = timezone.now()
        return cleaned_data

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
            "%(who)s changed this story on %(when)s, after you opened it. Nothing "
            "was saved, so their changes are safe, and your text is still in this "
            "form. Open the story again in a new tab to see their version, then "
            "copy your changes across and save there.",
            code="stale",
            params={"who": change.who, "when": rules.when(change.at)},
        )


class ScheduleForm(forms.Form):
    publish_at = forms.SplitDateTimeField(
        label="Publish at",
        widget=AdminSplitDateTime,
        help_text="The stories go live by themselves at this time.",
    )

    def clean_publish_at(self):
        publish_at = self.cleaned_data["publish_at"]
        if publish_at <= timezone.now():
            raise forms.ValidationError(
                "Choose a time in the future, or use “Publish now”."
            )
        return publish_at


class EmbedWorkflowForm(forms.ModelForm):
    user = None  # set per request by EmbedWorkflowMixin.get_form

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if self.user is not None and not rules.can_change_embed(self.user, slug):
            # A new embed would fill a marker a live story already carries.
            raise forms.ValidationError(
                "A story you may not edit places an embed with this name, so this "
                "embed would appear in it. Choose another name, or ask an editor.",
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
        label="Picture",
        help_text="A JPEG, PNG, WebP or GIF (first frame). Location, camera and all "
        "other hidden data are removed when it is saved.",
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
                    'This picture is already in the library as “<a href="{}">{}</a>”: '
                    "use that one rather than a second copy.",
                    reverse("admin:articles_image_change", args=[self.duplicate.pk]),
                    self.duplicate,
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
            "title": {"required": "Give the picture a title, to find it by."},
            "alt_text": {
                "required": "Describe what the picture shows (its alt text), for "
                "readers who cannot see it: a picture is not kept without one."
            },
        }

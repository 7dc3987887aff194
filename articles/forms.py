from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from articles import images
from articles.models import Image


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

    def clean(self):
        cleaned_data = super().clean()
        picture = getattr(cleaned_data.get("file"), "picture", None)
        self.camera_credit = ""
        if picture and picture.camera_credit and not cleaned_data.get("credit"):
            # Offered once: the camera's Artist/Copyright, read before stripping.
            cleaned_data["credit"] = self.camera_credit = picture.camera_credit
        return cleaned_data


class QuickSelect(forms.Select):
    """A drop-down list of flat choices (a model's rows, say) written in Python,
    with the markup Django's templates give.

    Django renders every option through templates of its own; for the archive's
    list of authors that was a third of the search page's time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], flatatt(option["attrs"]), option["label"])
                for _, group, _ in widget["optgroups"]
                for option in group
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            options,
        )

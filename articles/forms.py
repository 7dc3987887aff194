from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

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

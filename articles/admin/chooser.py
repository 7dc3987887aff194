"""The picture and embed chooser inside the story form: the lead picture's
widget, the JSON the chooser's dialog reads (search, upload), and the check
that every picture and embed a story body places exists.

The dialog is admin-chooser.js; the body editor's "Picture" and "Embed"
buttons (admin-body-media.js) open the same dialog.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from articles import paging
from articles.html import embed_marker, picture_marker, placed_media, plain_text
from articles.models import Embed, Image

from .catalog import CATALOG
from .forms import ImageUploadForm

# Thumbnails in the chooser are drawn at most this many pixels a side.
THUMBNAIL_SIZE = 160
CHOOSER_PAGE_SIZE = 24
MAX_CHOOSER_PAGE_SIZE = 60
LONGEST_QUERY = 200


def thumbnail_source(image, size):
    """(url, width, height) of a rendition fitted into a size × size box,
    twice as wide as drawn for dense screens; None without renditions."""
    if not image or not image.has_renditions():
        return None
    scale = size / max(image.width, image.height, 1)
    width, height = round(image.width * scale), round(image.height * scale)
    widths = image.rendition_widths()
    wanted = next((w for w in widths if w >= 2 * width), widths[-1])
    return image.rendition_url(wanted), width, height


def picture_data(image):
    """What the chooser shows of a picture, and the marker that places it."""
    source = thumbnail_source(image, THUMBNAIL_SIZE)
    return {
        "id": image.pk,
        "title": image.title,
        "alt_text": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "width": image.width,
        "height": image.height,
        "thumbnail": source
        and {"url": source[0], "width": source[1], "height": source[2]},
        "marker": picture_marker(image.pk),
    }


def embed_data(embed):
    return {
        "slug": embed.slug,
        "kind": embed.get_kind_display(),
        "author_name": embed.author_name,
        "author_handle": embed.author_handle,
        "published_on": embed.published_on and embed.published_on.isoformat(),
        "text": Truncator(plain_text(embed.text)).chars(160),
        "marker": embed_marker(embed.slug),
    }


def _refusal(status, message, **extra):
    return JsonResponse({"error": message, **extra}, status=status)


class ChooserSearchMixin:
    """A JSON search over the admin's search_fields, a page at a time, for
    people who may view the model: <model>/chooser/?q=&page=&page_size=."""

    chooser_data = None  # how one object is described: a staticmethod

    def get_urls(self):
        search = path(
            "chooser/",
            self.admin_site.admin_view(self.chooser_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_chooser",
        )
        return [search, *super().get_urls()]

    def chooser_view(self, request):
        if not self.has_view_permission(request):
            return _refusal(403, gettext("You may not see these."))
        number = paging.page_number(request.GET.get("page") or None)
        size = request.GET.get("page_size") or str(CHOOSER_PAGE_SIZE)
        size = paging.page_number(size)
        if number is None or size is None or size > MAX_CHOOSER_PAGE_SIZE:
            return _refusal(
                400,
                gettext(
                    "page is a whole number from 1, page_size one from 1 to "
                    "%(largest)s."
                )
                % {"largest": MAX_CHOOSER_PAGE_SIZE},
            )
        if "id" in request.GET:
            # One by its number: the form's card, for a number typed or restored.
            picked = paging.page_number(request.GET["id"])
            if picked is None:
                return _refusal(400, gettext("id is a whole number from 1."))
            found = self.get_queryset(request).filter(pk=picked)
        else:
            query = request.GET.get("q", "").strip()[:LONGEST_QUERY]
            found, _ = self.get_search_results(
                request, self.get_queryset(request), query
            )
        paginator = Paginator(found, size)
        try:
            page = paginator.page(number)
        except EmptyPage:
            pages = paginator.num_pages
            return _refusal(
                404,
                ngettext(
                    "There is %(count)s page.", "There are %(count)s pages.", pages
                )
                % {"count": pages},
            )
        return JsonResponse(
            {
                "count": paginator.count,
                "page": page.number,
                "pages": paginator.num_pages,
                "results": [self.chooser_data(obj) for obj in page],
            },
            json_dumps_params={"ensure_ascii": False},
        )


class EmbedChooserMixin(ChooserSearchMixin):
    """Put before HistoryAdmin on EmbedAdmin: the chooser's embed search."""

    chooser_data = staticmethod(embed_data)


class ImageChooserMixin(ChooserSearchMixin):
    """Put before HistoryAdmin on ImageAdmin: the chooser's picture search, and
    uploads through the image form's checks (<model>/chooser/upload/)."""

    chooser_data = staticmethod(picture_data)

    def get_urls(self):
        upload = path(
            "chooser/upload/",
            self.admin_site.admin_view(self.chooser_upload_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_chooser_upload",
        )
        return [upload, *super().get_urls()]

    def chooser_upload_view(self, request):
        """One picture uploaded: 201 with it; 200 with the picture already in the
        library if it is the same; 400 with the form's messages if refused."""
        if request.method != "POST":
            response = _refusal(405, gettext("Send the picture with POST."))
            response["Allow"] = "POST"
            return response
        if not self.has_add_permission(request):
            return _refusal(403, gettext("You may not add pictures."))
        form = ImageUploadForm(request.POST, request.FILES)
        if not form.is_valid() and form.duplicate is None:
            errors = {
                name: [error["message"] for error in field_errors]
                for name, field_errors in form.errors.get_json_data().items()
            }
            first = next(iter(errors.values()))[0]
            return _refusal(400, first, errors=errors)
        if form.duplicate is not None:
            return JsonResponse(
                {
                    "duplicate": True,
                    "message": gettext(
                        "This picture is already in the library as “%(title)s”."
                    )
                    % {"title": form.duplicate},
                    "picture": picture_data(form.duplicate),
                }
            )
        return self._store_upload(request, form)

    def _store_upload(self, request, form):
        with self.create_revision(request):
            picture = form.save(commit=False)
            picture.store_file()
            picture.save()
            picture.make_renditions()
            message = self.construct_change_message(request, form, None, add=True)
            self.log_addition(request, picture, message)
        note = camera_credit_note(form.camera_credit) if form.camera_credit else ""
        return JsonResponse(
            {"picture": picture_data(picture), "message": note}, status=201
        )


def camera_credit_note(credit):
    return gettext(
        "The credit “%(credit)s” was taken from the camera's data; check it before "
        "publishing."
    ) % {"credit": credit}


class PictureChooserWidget(forms.TextInput):
    """The lead picture: its thumbnail, title, credit and alt text, a button
    opening the chooser, and the picture's number, typed or chosen, which is
    all the form sends (and all that works without the script)."""

    # The project's template, around the form renderer's own text input.
    chooser_template_name = "admin/articles/picture_chooser.html"

    class Media:
        css = {"all": ["articles/admin-chooser.css"]}
        js = [CATALOG, "articles/admin-chooser.js"]

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "size": 8, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        attrs = context["widget"]["attrs"]
        attrs["aria-describedby"] = f"{attrs.get('id', name)}_hint"
        number = str(value or "")
        picture = None
        if number.isdigit() and len(number) <= 18:
            picture = Image.objects.filter(pk=int(number)).first()
        context["picture"] = picture and picture_data(picture)
        context["chooser"] = {
            "pictures": reverse("admin:articles_image_chooser"),
            "upload": reverse("admin:articles_image_chooser_upload"),
            "embeds": reverse("admin:articles_embed_chooser"),
            "library": reverse("admin:articles_image_changelist"),
        }
        return context

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        context["input"] = self._render(self.template_name, context, renderer)
        return render_to_string(self.chooser_template_name, context)


EMBED_MISSING = _(
    "The body places an embed “%(slug)s” that does not exist: create it under "
    "Embeds or remove the marker."
)
PICTURE_MISSING = _(
    "The body places a picture “%(id)s” that does not exist: choose another with "
    "the toolbar's Picture button or remove the marker."
)


def check_placed_media(body):
    """Refuse a body that places an embed or a picture that does not exist,
    naming each one; a marker is never silently dropped from a saved story."""
    slugs, ids = placed_media(body)
    embeds = set(Embed.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    pictures = set(Image.objects.filter(pk__in=ids).values_list("pk", flat=True))
    errors = [
        ValidationError(EMBED_MISSING, code="missing_embed", params={"slug": slug})
        for slug in slugs
        if slug not in embeds
    ]
    errors += [
        ValidationError(PICTURE_MISSING, code="missing_picture", params={"id": pk})
        for pk in ids
        if pk not in pictures
    ]
    if errors:
        raise ValidationError(errors)


BODY_HELP = _(
    "Place a picture or an embed with the Picture and Embed buttons of the "
    "toolbar: each puts its marker, [picture:number] or [embed:name], alone in "
    "a paragraph."
)


class StoryMediaMixin:
    """Put before HistoryAdmin on ArticleAdmin: the lead picture chosen in the
    form, and a body whose markers all name a picture or embed that exists."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is None:
            return None
        if db_field.name == "lead_image":
            # No related-object links beside it: they open popup windows.
            formfield.widget = PictureChooserWidget()
            formfield.widget.is_required = formfield.required
            formfield.error_messages["invalid_choice"] = _(
                "There is no picture with this number. Choose one with “Choose a "
                "picture…”, or find its number under Images."
            )
        elif db_field.name == "body":
            formfield.validators.append(check_placed_media)
            formfield.help_text = BODY_HELP
        return formfield

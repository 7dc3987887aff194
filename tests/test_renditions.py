"""Renditions: widths and formats, focal-point crops, the picture tag on pages,
serving, the demo's pictures and the make_renditions command."""

import re
from io import BytesIO, StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from PIL import Image as PillowImage
from PIL import ImageDraw

from articles.image_formats import holds_only_pixels
from articles.models import Image
from tests.colour_profiles import rgb_profile
from tests.helpers import make_article, make_image
from tests.picture_helpers import (
    LIST_URL,
    every_file_of,
    picture_bytes,
    reopen,
    stored_files,
    upload,
)

# Renditions


def test_it_makes_webp_and_jpeg_renditions_at_every_width(db):
    image = make_image(content=picture_bytes(size=(2400, 1600)))
    assert image.rendition_widths() == [320, 640, 960, 1280, 1920]
    widths = image.renditions.filter(crop="")
    assert widths.count() == 10
    for rendition in widths:
        _content, stored = reopen(rendition.file.name)
        assert stored.format == {"webp": "WEBP", "jpeg": "JPEG"}[rendition.format]
        assert stored.size == (rendition.width, round(1600 * rendition.width / 2400))
        assert rendition.file.name == image.rendition_name(
            rendition.width, rendition.format
        )


def test_it_never_makes_a_rendition_wider_than_the_original(db):
    image = make_image(content=picture_bytes(size=(500, 300)))
    assert image.rendition_widths() == [320, 500]
    assert set(image.renditions.values_list("width", flat=True)) == {320, 500}
    _content, widest = reopen(image.rendition_name(500, "webp"))
    assert widest.size == (500, 300)


def test_it_makes_renditions_once_and_reuses_them(db, monkeypatch):
    image = make_image(content=picture_bytes(size=(1000, 700)))
    saved = []
    monkeypatch.setattr(
        default_storage, "save", lambda name, content: saved.append(name)
    )
    assert image.make_renditions() == 0
    assert saved == []
    assert image.renditions.count() == 2 * 4 + 1


def test_a_new_file_gets_new_rendition_names(editor_client):
    image = make_image(content=picture_bytes(size=(800, 600)))
    old_url = image.rendition_url(320)
    response = upload(
        editor_client,
        picture_bytes(size=(800, 600), color=(9, 9, 9)),
        url=f"{LIST_URL}{image.pk}/change/",
        title=image.title,
        alt_text=image.alt_text,
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.rendition_url(320) != old_url
    assert default_storage.exists(image.rendition_name(320, "webp"))
    names = image.renditions.values_list("file", flat=True)
    assert len(names) == 2 * 3 + 1
    assert all(f"/{image.digest}-" in name for name in names)


def test_the_command_makes_what_is_missing_and_nothing_twice(db):
    image = make_image(content=picture_bytes(size=(800, 600)))
    default_storage.delete(image.rendition_name(640, "webp"))
    Image.objects.filter(pk=image.pk).update(digest="")
    out = StringIO()
    call_command("make_renditions", stdout=out)
    assert "1 rendition(s) made for 1 picture(s)." in out.getvalue()
    image.refresh_from_db()
    assert image.has_renditions()
    assert default_storage.exists(image.rendition_name(640, "webp"))
    call_command("make_renditions", stdout=out)
    assert "0 rendition(s) made for 1 picture(s)." in out.getvalue()


# Focal-point crops


def picture_with_a_white_square():
    picture = PillowImage.new("RGB", (2400, 1000), (0, 0, 0))
    ImageDraw.Draw(picture).rectangle((2100, 400, 2300, 600), fill=(255, 255, 255))
    buffer = BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def test_the_social_crop_keeps_the_focal_point_in_view(db):
    image = make_image(content=picture_with_a_white_square(), focal_x=0.92)
    content, crop = reopen(image.crop(1200, 630)[2])
    assert crop.size == (1200, 630) == image.social_rendition_size()
    assert image.social_rendition_url().endswith("-1200x630-92-50.jpg")
    # The box runs from x=495 to the right edge: the square lands near x=1074.
    assert crop.convert("L").getpixel((1074, 315)) > 240

    image.focal_x = 0.1
    image.save()
    image.make_renditions()
    _content, crop = reopen(image.crop(1200, 630)[2])
    assert crop.convert("L").getextrema()[1] < 20  # the square is cropped out
    assert image.renditions.filter(crop="1200x630").count() == 1


def test_a_small_picture_is_cropped_but_not_enlarged(db):
    image = make_image(content=picture_bytes(size=(600, 400)))
    assert image.social_rendition_size() == (600, 315)
    _content, crop = reopen(image.crop(1200, 630)[2])
    assert crop.size == (600, 315)
    # Too small to fill any crop for search results: none is made.
    assert image.search_crops() == []
    assert list(image.renditions.exclude(crop="").values_list("crop", flat=True)) == [
        "1200x630"
    ]


def test_a_large_picture_gets_16_9_4_3_and_1_1_crops_for_search_results(db):
    image = make_image(content=picture_with_a_white_square(), focal_x=0.92)
    assert image.height == 1000  # too short for the 1:1 crop at 1200 pixels
    crops = image.search_crops()
    assert [(width, height) for _url, width, height in crops] == [
        (1200, 675),
        (1200, 900),
    ]
    for url, width, height in crops:
        assert url.endswith(f"-{width}x{height}-92-50.jpg")
        content, crop = reopen(image.crop(width, height)[2])
        assert crop.size == (width, height)
        assert holds_only_pixels(content)
        # The focal point stays in view.
        assert crop.convert("L").getextrema()[1] > 240
    assert set(image.renditions.exclude(crop="").values_list("crop", flat=True)) == {
        "1200x630",
        "1200x675",
        "1200x900",
    }
    tall = make_image(content=picture_bytes(size=(2400, 1600)))
    assert [size for _url, *size in tall.search_crops()] == [
        [1200, 675],
        [1200, 900],
        [1200, 1200],
    ]
    assert tall.make_renditions() == 0


# Pages


def picture_tags(page):
    return re.findall(r"<picture>.*?</picture>", page, flags=re.S)


def test_the_story_page_offers_webp_first_then_jpeg_at_several_widths(client, db):
    lead = make_image(content=picture_bytes(size=(2000, 1333)), alt_text="Flags")
    story = make_article(lead_image=lead)
    page = client.get(story.get_absolute_url()).content.decode()
    [picture] = picture_tags(page)
    sources = re.findall(
        r'<source type="([^"]+)" srcset="([^"]+)" sizes="[^"]+">', picture
    )
    assert [kind for kind, _srcset in sources] == ["image/webp", "image/jpeg"]
    for kind, srcset in sources:
        widths = re.findall(r"\.(?:webp|jpg) (\d+)w", srcset)
        assert len(widths) >= 3
        assert widths == ["320", "640", "960", "1280", "1920"]
        assert (".webp" in srcset) == (kind == "image/webp")
    assert 'width="2000" height="1333" alt="Flags" loading="eager"' in picture
    assert lead.file.url not in page  # never the original


def test_listings_load_their_pictures_lazily(client, db):
    make_article(lead_image=make_image(content=picture_bytes(size=(900, 600))))
    make_article(lead_image=make_image(content=picture_bytes(size=(900, 600))))
    page = client.get("/").content.decode()
    assert any('loading="lazy"' in tag for tag in picture_tags(page))


def test_the_picture_tag_costs_no_query(django_assert_num_queries, db):
    pictures = [make_image() for _ in range(5)]
    template = Template(
        "{% load newsroom %}{% for image in pictures %}{% picture image %}{% endfor %}"
    )
    pictures = list(Image.objects.filter(pk__in=[p.pk for p in pictures]))
    with django_assert_num_queries(0):
        html = template.render(Context({"pictures": pictures}))
    assert html.count("<picture>") == 5


def test_the_home_page_costs_the_same_queries_with_more_pictures(
    client, db, uncached_pages
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    for _ in range(2):
        make_article(lead_image=make_image())
    queries()  # the membership prompts are cached after the first page
    two = queries()
    for _ in range(4):
        make_article(lead_image=make_image())
    queries()  # site-wide caches refill after the change
    assert queries() == two


# Serving and the demo


def test_renditions_are_served_with_a_years_cache_and_nosniff(client, db):
    image = make_image()
    response = client.get(image.rendition_url(64, "webp"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    original = client.get(image.file.url)
    assert original["Cache-Control"] == "public, max-age=3600"
    assert client.get("/media/renditions/nothing.webp").status_code == 404


def test_the_demo_pictures_go_through_the_pipeline(client, demo):
    for image in Image.objects.all():
        assert image.has_renditions()
        if image.file.name.endswith(".png"):  # a 600 × 200 wordmark
            assert image.renditions.count() == 2 * 2 + 1
        else:  # a 1920 × 1280 photo fills the three crops for search results
            assert image.renditions.count() == 2 * 5 + 1 + 3
        for name in every_file_of(image):
            content, _stored = reopen(name)
            assert b"Exif" not in content
    page = client.get("/story/baku-rally-in-support-of-ukraine/").content.decode()
    assert "1920w" in picture_tags(page)[0]


# Cleaning pictures stored before uploads were stripped of colour profiles

IDENTIFYING = [b"Reporter Phone X", b"Ulviya Ali", b"MAKER-NOTE-SERIAL-0042"]


def stored_the_old_way(image):
    """Point a picture at an original kept with its uploader's colour profile,
    renditions and all, as pictures were stored before profiles were removed."""
    profile = rgb_profile(
        description="Reporter Phone X",
        copyright="Copyright Ulviya Ali",
        device="MAKER-NOTE-SERIAL-0042",
    )

    def with_profile(fmt, size):
        content = picture_bytes(fmt, size, (100, 180, 100), icc_profile=profile)
        return ContentFile(content)

    size = (image.width, image.height)
    name = default_storage.save("images/old.jpg", with_profile("JPEG", size))
    Image.objects.filter(pk=image.pk).update(file=name)
    image.refresh_from_db()
    image.make_renditions()
    for rendition in image.renditions.all():
        default_storage.delete(rendition.file.name)
        size = (rendition.width, rendition.height)
        default_storage.save(
            rendition.file.name, with_profile(rendition.format.upper(), size)
        )
    return image


def clean_pictures(**streams):
    call_command("make_renditions", "--clean", **streams)
    return streams["stdout"].getvalue()


def test_clean_leaves_no_identifying_text_in_any_file_of_an_old_picture(
    client, db, django_capture_on_commit_callbacks
):
    image = stored_the_old_way(make_image(content=picture_bytes(size=(800, 600))))
    old = set(every_file_of(image))
    assert all(b"Ulviya Ali" in reopen(name)[0] for name in old)
    story = make_article(lead_image=image)
    old_url = image.rendition_url(640, "webp")
    assert old_url in client.get(story.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        out = clean_pictures(stdout=StringIO())
    assert f"[1/1] {image.title}: original cleaned, 7 made" in out
    assert "1 picture(s) cleaned, 7 rendition(s) made for 1 picture(s)." in out
    image.refresh_from_db()
    new = set(every_file_of(image))
    assert len(new) == 1 + 2 * 3 + 1
    for name in new:
        content, stored = reopen(name)
        assert holds_only_pixels(content), name
        assert "icc_profile" not in stored.info, name
        for secret in IDENTIFYING:
            assert secret not in content, (name, secret)
    assert not old & stored_files()
    assert Image.objects.get(pk=image.pk).updated_at == image.updated_at
    page = client.get(story.get_absolute_url()).content.decode()
    assert image.rendition_url(640, "webp") in page
    assert old_url not in page


def test_clean_twice_changes_nothing_the_second_time(
    demo, django_capture_on_commit_callbacks
):
    image = stored_the_old_way(make_image(content=picture_bytes(size=(800, 600))))
    with django_capture_on_commit_callbacks(execute=True):
        first = clean_pictures(stdout=StringIO())
    total = Image.objects.count()
    # The demo's pictures were cleaned on upload: only the old one needed it.
    assert f"1 picture(s) cleaned, 7 rendition(s) made for {total} picture(s)" in first
    stored, row = stored_files(), Image.objects.values().get(pk=image.pk)
    with django_capture_on_commit_callbacks(execute=True):
        second = clean_pictures(stdout=StringIO())
    assert second == (
        f"0 picture(s) cleaned, 0 rendition(s) made for {total} picture(s). "
        "Nothing to do.\n"
    )
    assert stored_files() == stored
    assert Image.objects.values().get(pk=image.pk) == row


def test_clean_reports_a_picture_it_cannot_read_and_goes_on(
    db, django_capture_on_commit_callbacks
):
    unreadable = make_image()
    name = default_storage.save("images/cut.jpg", ContentFile(b"\xff\xd8\xff\xe0"))
    Image.objects.filter(pk=unreadable.pk).update(file=name)
    image = stored_the_old_way(make_image(content=picture_bytes(size=(800, 600))))
    out, err = StringIO(), StringIO()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(CommandError, match=r"^1 picture\(s\) could not be read"),
    ):
        clean_pictures(stdout=out, stderr=err)
    assert err.getvalue().startswith(f"{name}: ")
    assert "1 picture(s) cleaned" in out.getvalue()
    assert default_storage.exists(name)
    image.refresh_from_db()
    assert all(holds_only_pixels(reopen(n)[0]) for n in every_file_of(image))


def test_clean_keeps_the_old_files_when_the_new_renditions_fail(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    image = stored_the_old_way(make_image(content=picture_bytes(size=(800, 600))))
    stored, row = stored_files(), Image.objects.values().get(pk=image.pk)

    def full_disk(self):
        raise OSError("No space left on device")

    monkeypatch.setattr(Image, "make_renditions", full_disk)
    err = StringIO()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(CommandError),
    ):
        clean_pictures(stdout=StringIO(), stderr=err)
    assert f"{row['file']}: No space left on device" in err.getvalue()
    assert stored_files() == stored
    assert Image.objects.values().get(pk=image.pk) == row

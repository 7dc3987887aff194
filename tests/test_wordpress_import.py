"""The WordPress import: stories, people, sections, tags, pictures and bodies
from a realistic export (tests/fixtures/wordpress/outlet.xml)."""

from datetime import UTC, datetime

import pytest
from django.core.management.base import CommandError
from PIL import Image as PillowImage

from articles.models import Article, Author, Embed, Image, Rendition, Section
from articles.wordpress.models import ImportedItem
from tests.helpers import make_outlet
from tests.wordpress_helpers import GPS_IFD, counts, make_media, run_import, story

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path):
    return make_media(tmp_path / "wp-content")


@pytest.fixture
def imported(media):
    out, _err = run_import("--media-dir", str(media))
    return out


def test_it_imports_posts_as_stories_with_their_status_and_times(imported):
    assert "Stories: 7 created, 0 updated, 0 unchanged, 1 skipped" in imported
    rally = story(200)
    assert rally.headline == "Baku rallies in support of Ukraine: photo report"
    assert rally.slug == "baku-rallies-in-support-of-ukraine-photo-report"
    assert rally.is_live
    assert rally.published_at == datetime(2022, 3, 7, 9, 30, tzinfo=UTC)
    assert rally.updated_at == datetime(2022, 3, 8, 10, 0, tzinfo=UTC)
    assert rally.standfirst == "Hundreds rallied in Baku for Ukraine."
    assert rally.seo_description == "Photos of the rally for Ukraine in Baku."
    assert story(202).is_scheduled
    assert story(202).published_at == datetime(2099, 1, 1, 8, 0, tzinfo=UTC)
    assert story(203).status == Article.Status.DRAFT
    assert story(203).published_at is None
    assert story(204).status == Article.Status.REVIEW
    assert story(205).status == Article.Status.DRAFT  # private
    assert not ImportedItem.objects.filter(kind="post", wp_id=206).exists()
    assert "trash" in imported


def test_it_files_stories_under_sections_tags_and_authors(imported):
    rally = story(200)
    # Yoast's primary category is the section; the other category is a tag.
    assert rally.section.name == "Photo report"
    assert set(rally.tags.values_list("name", flat=True)) == {"Baku", "Ukraine", "News"}
    assert [a.name for a in rally.byline_authors] == ["Ilkin Mammadov"]
    russian = story(201)
    assert russian.headline == "Митинг в Баку & Тбилиси"
    assert russian.slug == "miting-v-baku"
    assert russian.section.name == "Политика"
    assert russian.section.slug == "politika"
    assert set(russian.tags.values_list("slug", flat=True)) == {"tbilisi", "baku"}
    assert [a.name for a in russian.byline_authors] == ["Анна Петрова"]
    assert story(207).byline_authors[0].name == "ნინო ბერიძე"
    assert story(204).section.slug == "uncategorized"
    assert Author.objects.count() == 3
    assert Section.objects.filter(name="News").get().description == (
        "What happened today."
    )


def test_it_sanitises_block_editor_bodies_and_keeps_their_media(imported):
    body = story(200).body
    pictures = dict(
        ImportedItem.objects.filter(kind="attachment").values_list("wp_id", "image")
    )
    for wp_id in (101, 102, 103):
        assert f"<p>[picture:{pictures[wp_id]}]</p>" in body
    assert "<script" not in body and "onclick" not in body and "alert" not in body
    assert "wp:" not in body and "<!--" not in body
    assert "<p>Protesters <strong>chanted</strong> for an hour.</p>" in body
    assert "contact-form-7" not in body and "[sic]" in body
    assert "A picture nobody kept" in body  # the words stay, the picture is gone
    twitter = Embed.objects.get(
        url="https://twitter.com/jamnews/status/1500000000000000000"
    )
    youtube = Embed.objects.get(url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    assert f"<p>[embed:{twitter.slug}]</p>" in body
    assert f"<p>[embed:{youtube.slug}]</p>" in body
    assert youtube.author_name == "YouTube"
    assert "shortcode removed" in imported and "contact-form-7" in imported
    assert "picture not found" in imported


def test_it_gives_classic_bodies_paragraphs_figures_and_static_embeds(imported):
    body = story(201).body
    pictures = dict(
        ImportedItem.objects.filter(kind="attachment").values_list("wp_id", "image")
    )
    assert "<p>Люди вышли на улицы Баку.<br>\nВторая строка того же абзаца.</p>" in body
    for wp_id in (100, 102, 103):
        assert f"<p>[picture:{pictures[wp_id]}]</p>" in body
    tweet = Embed.objects.get(
        url__startswith="https://twitter.com/jamnews/status/1500000000000000001"
    )
    assert "Баку сегодня." in tweet.text
    assert (tweet.author_name, tweet.author_handle) == ("JAMnews", "@jamnews")
    assert f"<p>[embed:{tweet.slug}]</p>" in body
    assert Embed.objects.filter(
        url="https://www.youtube.com/watch?v=9bZkp7q19f0"
    ).exists()
    assert "[прим. ред.: около ста человек]" in body  # brackets, not a shortcode
    assert "Слова внутри" in body and "unknown_code" not in body
    assert "evil.example" not in body and "<script" not in body
    assert "<li>Первый пункт</li>" in body
    assert "platform.twitter.com" not in body


def test_it_imports_pictures_through_the_upload_checks(imported, settings):
    assert Image.objects.count() == 4
    lead = story(200).lead_image
    assert lead.alt_text == "People with Ukrainian flags outside the embassy"
    assert lead.caption == "Protesters outside the embassy"
    assert lead.credit == "Aziz Karimov"
    with lead.file.open("rb") as stored, PillowImage.open(stored) as picture:
        exif = picture.getexif()
        assert not exif and GPS_IFD not in exif
    assert Rendition.objects.filter(image=lead).exists()
    assert "file missing from the media folder" in imported
    assert "2022/03/missing.jpg" in imported
    assert "../../secret.jpg" in imported  # never read from outside the folder
    assert "file refused" in imported and "not-a-picture.jpg" in imported
    assert story(201).lead_image is None


def test_it_counts_and_skips_pages_menus_and_comments(imported):
    assert "Pages: 0 created, 0 updated, 0 unchanged, 1 skipped" in imported
    assert "Menu items: 0 created, 0 updated, 0 unchanged, 1 skipped" in imported
    assert "Comments: 0 created, 0 updated, 0 unchanged, 2 skipped" in imported


def test_it_imports_stories_without_pictures_when_given_no_media(db):
    out, _err = run_import()
    assert "no media folder given" in out
    assert Image.objects.count() == 0
    assert story(200).lead_image is None
    assert "[picture:" not in story(200).body
    assert story(200).is_live


def test_it_writes_nothing_in_a_dry_run(media):
    out, _err = run_import("--media-dir", str(media), "--dry-run")
    assert "Stories: 7 created" in out
    assert "Dry run: nothing was written." in out
    assert all(n == 0 for n in counts().values()), counts()
    assert not any(media.parent.parent.glob("media/**/*.jpg"))


def test_it_files_stories_under_the_outlet_and_language_asked_for(db):
    partner = make_outlet(name="Partner", slug="partner")
    run_import("--outlet", "partner", "--language", "ru")
    assert story(201).outlet == partner
    assert story(201).language == "ru"


@pytest.mark.parametrize(
    "option, value", [("--outlet", "nobody"), ("--language", "xx")]
)
def test_it_refuses_an_unknown_outlet_or_language(db, option, value):
    with pytest.raises(CommandError):
        run_import(option, value)
    assert counts()["Article"] == 0

"""generate_articles: a realistic archive for load tests, made quickly and safely."""

import contextlib
import io
import re
import unicodedata

import pytest
from django.core.management import CommandError, call_command
from django.db import models, transaction
from django.test import override_settings
from django.utils import timezone

from articles import slugs
from articles.management.generated_text import TEXTS
from articles.models import Article, Author, Byline, SearchDocument, Tag, TaggedArticle
from newsroom.env import editions

pytestmark = pytest.mark.django_db


def generate(*options):
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_articles", *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_generates_published_stories_with_a_few_drafts(client):
    out, err = generate(120)
    assert "Created 120 stories" in out
    assert "120/120 stories" in err
    assert Article.objects.count() == 120
    assert Article.objects.filter(status="draft").count() == 2
    # And one scheduled: published, at a time still to come.
    assert Article.objects.filter(published_at__gt=timezone.now()).count() == 1
    assert Article.objects.published().count() == 117
    story = Article.objects.published().first()
    assert 2 <= story.tags.count() <= 4
    assert 1 <= Byline.objects.filter(article=story).count() <= 2
    assert story.lead_image is not None
    assert story.body.count("<p>") >= 8
    assert client.get(story.get_absolute_url()).status_code == 200
    draft = Article.objects.filter(status="draft").first()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_its_stories_can_be_searched(client):
    generate(50)  # one of them a draft
    assert SearchDocument.objects.count() == 50
    story = Article.objects.published().first()
    found = client.get("/search/", {"q": story.headline}).context["stories"]
    assert story.pk in [s.pk for s in found]
    draft = Article.objects.get(status="draft")
    found = client.get("/search/", {"q": draft.headline}).context["stories"]
    assert draft.pk not in [s.pk for s in found]


def test_it_only_adds_what_is_missing_when_run_again():
    generate(30)
    out, _ = generate(30)
    assert "already holds 30" in out
    out, _ = generate(45)
    assert "Created 15 stories (45 generated in all)" in out
    assert Article.objects.count() == 45


def test_it_shows_new_stories_on_cached_pages(client):
    generate(5)
    client.get("/")
    generate(10)
    assert client.get("/")["X-Page-Cache"] == "miss"


def test_it_refuses_a_count_below_one():
    with pytest.raises(CommandError, match="positive number"):
        generate(0)
    assert not Article.objects.exists()


# The test settings' editions are en, ru, ka and az; hy and tr are added here.
ALL_SIX, _ = editions(["en", "ru", "ka", "az", "hy", "tr"], "en")


def configured(code):
    if code in ("hy", "tr"):
        return override_settings(LANGUAGES=ALL_SIX)
    return contextlib.nullcontext()


def letters(html):
    return [c for c in re.sub(r"<[^>]+>", " ", html) if c.isalpha()]


def latin(c):  # ə (U+0259) is past Latin Extended-B
    return unicodedata.name(c, "").startswith("LATIN ")


SCRIPTS = {
    "ru": lambda c: "\u0400" <= c <= "\u04ff",
    "ka": lambda c: "\u10a0" <= c <= "\u10ff" or "\u1c90" <= c <= "\u1cbf",
    "hy": lambda c: "\u0530" <= c <= "\u058f",
    "az": latin,
    "tr": latin,
}
# Letters a Latin text must have some of to be Azerbaijani or Turkish.
OWN_LETTERS = {"az": set("əğşçıƏĞŞÇ"), "tr": set("çğıöşüÇĞİÖŞÜ")}


def mostly_in(code, text):
    found = letters(text)
    return found and sum(map(SCRIPTS[code], found)) / len(found) >= 0.95


@pytest.mark.parametrize("code", ["ru", "ka", "az", "hy", "tr"])
def test_it_writes_stories_in_a_language_and_its_script(client, code):
    with configured(code):
        out, _ = generate(6, "--language", code)
        assert f"Created 6 stories in {code}" in out
        stories = list(Article.objects.published().order_by("slug"))
        assert len(stories) == 6
        for story in stories:
            assert story.language == code
            assert story.slug.startswith(f"generated-{code}-")
            assert slugs.SLUG.match(story.slug) and story.slug == story.slug.lower()
            for text in (story.headline, story.standfirst, story.body):
                assert mostly_in(code, text), text
            if code in OWN_LETTERS:
                assert OWN_LETTERS[code] & set(story.headline), story.headline
                assert OWN_LETTERS[code] & set(story.body)
            assert story.body.count("<p>") >= 8
            tags = list(story.tags.all())
            assert 2 <= len(tags) <= 4
            # One of them the tag of the story's own topic and place.
            assert any(mostly_in(code, tag.name) for tag in tags)
            assert all(slugs.SLUG.match(tag.slug) for tag in tags)
            authors = [byline.author for byline in story.bylines.all()]
            assert 1 <= len(authors) <= 2
            for author in authors:
                assert mostly_in(code, author.name), author.name
                assert author.slug.startswith(f"generated-{code}-author-")
                assert slugs.SLUG.match(author.slug), author.slug
        assert client.get(stories[0].get_absolute_url()).status_code == 200


def test_georgian_is_not_written_in_capitals():
    generate(3, "--language", "ka")
    for story in Article.objects.all():
        text = story.headline + story.standfirst + story.body
        assert not re.search("[\u1c90-\u1cbf]", text)  # Mtavruli


def test_without_a_language_it_writes_english_in_the_default_language():
    generate(3)
    assert set(Article.objects.values_list("language", flat=True)) == {"en"}
    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        "generated-000001",
        "generated-000002",
        "generated-000003",
    ]
    out, _ = generate(3, "--language", "en")
    assert "already holds 3 generated stories." in out


@pytest.mark.parametrize("code", ["fr", "xx", "hy"])
def test_it_refuses_a_language_the_site_does_not_have(code):
    with pytest.raises(CommandError) as refused:
        generate(5, "--language", code)
    message = str(refused.value)
    assert "\n" not in message
    assert repr(code) in message and "en, ru, ka, az" in message
    assert not Article.objects.exists()


def test_it_refuses_a_site_language_it_has_no_words_for():
    sites, _ = editions(["en", "de"], "en")
    refused = pytest.raises(CommandError, match="no word lists for 'de'")
    with override_settings(LANGUAGES=sites), refused:
        generate(5, "--language", "de")
    assert not Article.objects.exists()


def test_languages_generated_one_after_another_share_one_archive():
    with override_settings(LANGUAGES=ALL_SIX):
        for code in ["en", "ru", "ka", "az", "hy", "tr"]:
            generate(8, "--language", code)
        out, _ = generate(8, "--language", "ru")
        assert "already holds 8 generated stories in ru" in out
        out, _ = generate(10, "--language", "ka")
        assert "Created 2 stories in ka (10 generated in ka in all)" in out
    counts = dict(
        Article.objects.values_list("language").annotate(n=models.Count("pk"))
    )
    assert counts == {"en": 8, "ru": 8, "ka": 10, "az": 8, "hy": 8, "tr": 8}
    for code in TEXTS:
        authors = Author.objects.filter(bylines__article__language=code).distinct()
        assert authors
        assert all(a.slug.startswith(f"generated-{code}-author-") for a in authors)
    english = Author.objects.filter(bylines__article__language="en").distinct()
    assert all(a.slug.startswith("generated-author-") for a in english)


def test_a_tag_name_whose_address_is_taken_gets_a_numbered_one():
    # Every address a generated Azerbaijani tag could have, taken by another
    # tag (as "Gence'de enerji" takes gencede-enerji from "Gəncədə enerji").
    text = TEXTS["az"]
    taken = {
        Tag.address(text.tag.format(topic=topic[0], place_in=place[1]))
        for place in text.places
        for topic in text.topics
    }
    Tag.objects.bulk_create(Tag(name=f"taken {slug}", slug=slug) for slug in taken)
    generate(4, "--language", "az")
    for story in Article.objects.all():
        tags = list(story.tags.all())
        assert 2 <= len(tags) <= 4
        assert all(re.fullmatch(r"[-a-z0-9]+-2", tag.slug) for tag in tags)


def test_the_same_seed_writes_the_same_stories():
    def written(seed):
        with transaction.atomic():
            generate(4, "--language", "ru", "--seed", str(seed))
            stories = list(
                Article.objects.order_by("slug").values_list(
                    "slug", "headline", "standfirst", "body", "section__slug"
                )
            )
            bylines = list(
                Byline.objects.order_by("article__slug", "position").values_list(
                    "author__name"
                )
            )
            transaction.set_rollback(True)
        return stories, bylines

    assert written(7) == written(7)
    assert written(7) != written(8)


def test_it_adds_so_many_more_with_count():
    generate(10)
    out, err = generate("--count", "15")
    assert "Created 15 stories (25 generated in all)" in out
    assert "15/15 stories" in err
    assert Article.objects.count() == 25


@pytest.mark.parametrize(
    "options, message",
    [
        ((), "Give how many stories"),
        (("5", "--count", "5"), "Give how many stories"),
        (("--count", "-3"), "count must be a positive number"),
        (("5", "--years", "0"), "--years must be a positive number"),
        (("5", "--batch", "0"), "--batch must be a positive number"),
        (("5", "--jobs", "0"), "--jobs must be a positive number"),
    ],
)
def test_it_refuses_bad_options_in_one_line(options, message):
    with pytest.raises(CommandError, match=message) as refused:
        generate(*options)
    assert "\n" not in str(refused.value)
    assert not Article.objects.exists()


def test_it_never_reuses_a_number_after_a_story_is_deleted():
    generate(6)
    Article.objects.get(slug="generated-000002").delete()
    out, _ = generate("--count", "3")
    assert "Created 3 stories" in out
    slugs = sorted(Article.objects.values_list("slug", flat=True))
    assert slugs[-3:] == ["generated-000007", "generated-000008", "generated-000009"]
    assert Article.objects.count() == 8


def test_it_spreads_stories_over_the_years_newest_first():
    generate(60, "--years", "3", "--batch", "7")
    live = Article.objects.published().order_by("slug")
    times = list(live.values_list("published_at", flat=True))
    assert times == sorted(times, reverse=True)  # story 1 is the newest
    span = times[0] - times[-1]
    assert 2.5 * 365 < span.days <= 3 * 365
    assert times[0] <= timezone.now()


def test_its_tags_have_a_long_tail():
    generate(400, "--batch", "100")
    uses = sorted(
        Tag.objects.annotate(n=models.Count("tagged_articles")).values_list(
            "n", flat=True
        ),
        reverse=True,
    )
    assert len(uses) == 100  # a tag for every four stories
    assert sum(uses) == TaggedArticle.objects.count()
    assert uses[0] >= 5 * uses[len(uses) // 2]


def test_several_languages_share_the_count_and_link_translations(client):
    with override_settings(LANGUAGES=ALL_SIX):
        out, _ = generate("--count", "30", "--language", "en,ru,hy", "--batch", "4")
    assert "Created 30 stories in en, ru, hy" in out
    counts = dict(
        Article.objects.values_list("language").annotate(n=models.Count("pk"))
    )
    assert counts == {"en": 10, "ru": 10, "hy": 10}
    translations = Article.objects.filter(translation_of__isnull=False)
    # Stories 0 and 5 in each language but English translate English's.
    assert translations.count() == 4
    for story in translations.select_related("translation_of"):
        original = story.translation_of
        assert original.language == "en"
        assert story.slug[len("generated-ru-") :][:6] == original.slug[-6:]
        assert story.section_id == original.section_id
        assert story.published_at > original.published_at
    assert SearchDocument.objects.count() == 30
    story = translations.filter(language="ru").first()
    page = client.get(story.translation_of.get_absolute_url())
    assert page.status_code == 200
    assert story.get_absolute_url() in page.content.decode()

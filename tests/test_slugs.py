"""Names in every script the newsroom writes in get Latin addresses that work.

The rule (docs/decisions.md): names keep their script; slugs are Latin,
transliterated from the name. Every public page that links to a tag,
section, author or story named in Cyrillic, Georgian, Armenian,
Azerbaijani or Turkish answers 200, and so does every page it links to.
"""

import json
import re
from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import slugs
from articles.links import url_in
from articles.models import Article, Author, Section, Tag
from tests.admin_helpers import admin_url, as_user, form_data, make_staff
from tests.helpers import house_outlet, make_article, make_outlet

pytestmark = pytest.mark.django_db

NAMES = {
    "Азербайджан": "azerbaydzhan",
    "Бакинцы вышли на улицы": "bakintsy-vyshli-na-ulitsy",
    "Київ": "kiiv",
    "საქართველო": "sakartvelo",
    "ჭიათურა": "chiatura",
    "Երևան": "erevan",
    "Հայաստան": "hayastan",
    "Ազատություն": "azatutyun",
    "Գյումրի": "gyumri",
    "Ոսկի": "voski",
    "Bakılılar": "bakililar",
    "Azərbaycan": "azerbaycan",
    "Şəki və Gəncə": "seki-ve-gence",
    "Türkiye’de seçim": "turkiyede-secim",
    "İstanbul Şişli": "istanbul-sisli",
    "Çanakkale Boğazı": "canakkale-bogazi",
    "Vladimir Putin": "vladimir-putin",
}


@pytest.mark.parametrize(("name", "slug"), NAMES.items())
def test_it_writes_every_script_in_latin_letters(name, slug):
    assert slugs.slugify(name) == slug
    assert slugs.SLUG.match(slug)


@pytest.mark.parametrize("name", ["!!!", "   ", "", "«»", "—"])
def test_a_name_with_no_letters_still_gets_an_address(name):
    assert slugs.slugify(name, fallback="tag") == "tag"


def test_a_long_name_is_cut_at_a_word_within_the_limit():
    slug = slugs.slugify("Демонстрация " * 30, max_length=40)
    assert len(slug) <= 40
    assert not slug.endswith("-")
    assert set(slug.split("-")) == {"demonstratsiya"}


def test_tags_in_any_script_get_latin_slugs_numbered_when_taken():
    story = make_article()
    story.tags.add("Баку", "Baku", "БАКУ!", "🔥", "!!!")
    found = dict(Tag.objects.values_list("name", "slug"))
    assert found["Baku"] in {"baku", "baku-2", "baku-3"}
    assert {found["Баку"], found["Baku"], found["БАКУ!"]} == {
        "baku",
        "baku-2",
        "baku-3",
    }
    assert found["🔥"] == "fire"
    assert found["!!!"] == "tag"
    assert all(slugs.SLUG.match(slug) for slug in found.values())


def test_blank_slugs_are_made_from_names_in_any_script():
    section = Section.objects.create(name="Новости")
    author = Author.objects.create(name="ნინო ბერიძე")
    outlet = make_outlet(name="Ազատություն", slug="")
    story = make_article(headline="Բողոքի ակցիա Երևանում", slug="", section=section)
    assert (section.slug, author.slug, outlet.slug) == (
        "novosti",
        "nino-beridze",
        "azatutyun",
    )
    assert story.slug == "boghoki-aktsia-erevanum"
    again = make_article(headline="Բողոքի ակցիա Երևանում", slug="")
    assert again.slug == "boghoki-aktsia-erevanum-2"


def test_a_slug_in_another_script_from_code_is_written_in_latin():
    # Imports and commands bypass the admin's form: the model keeps the rule.
    story = make_article(slug="азербайджанцы-вышли")
    assert story.slug == "azerbaydzhantsy-vyshli"


def test_a_latin_slug_an_editor_chose_is_kept_as_it_is():
    story = make_article(slug="Baku_Rally-2022")
    story.headline = "Another headline"
    story.save()
    story.refresh_from_db()
    assert story.slug == "Baku_Rally-2022"


def story_in_every_script():
    section = Section.objects.create(name="Фоторепортаж")
    author = Author.objects.create(name="Ülviyyə Əliyeva")
    story = make_article(
        headline="Bakılılar Ukraynaya dəstək aksiyasına çıxdı",
        slug="",
        section=section,
        authors=[author],
        outlet=house_outlet(),
        language="az",
        # Of today, so that the news sitemap lists it too.
        published_at=timezone.now() - timedelta(hours=1),
    )
    story.tags.add("Азербайджан", "საქართველო", "Հայաստան", "Bakı")
    return story


def public_addresses(story):
    section, author = story.section, story.byline_authors[0]
    tags = list(story.tags.all())
    pages = [
        "/",
        story.get_absolute_url(),
        section.get_absolute_url(),
        author.get_absolute_url(),
        *(tag.get_absolute_url() for tag in tags),
        reverse("articles:feed"),
        reverse("articles:feed-atom"),
        reverse("articles:section-feed", args=[section.slug]),
        reverse("articles:section-feed-atom", args=[section.slug]),
        reverse("articles:author-feed", args=[author.slug]),
        reverse("articles:author-feed-atom", args=[author.slug]),
        *(reverse("articles:tag-feed", args=[tag.slug]) for tag in tags),
        *(reverse("articles:tag-feed-atom", args=[tag.slug]) for tag in tags),
        # The sitemaps of the story's edition: another's have no stories.
        url_in(story.edition, "articles:sitemap"),
        url_in(
            story.edition,
            "articles:sitemap-stories-month",
            f"{story.published_at.astimezone(UTC):%Y-%m}",
        ),
        url_in(story.edition, "articles:sitemap-section", "sections"),
        url_in(story.edition, "articles:sitemap-section", "tags"),
        url_in(story.edition, "articles:sitemap-section", "authors"),
        url_in(story.edition, "articles:news-sitemap"),
        reverse("articles:search") + "?q=Bakılılar",
        reverse("articles:search")
        + f"?section={section.slug}&tag={tags[0].slug}&author={author.slug}",
        reverse("articles:api-articles") + f"?tag={tags[0].slug}",
        reverse("articles:api-article", args=[story.slug]),
        story.get_preview_url(),
    ]
    return pages


def test_every_public_page_of_a_story_named_in_every_script_works(client):
    story = story_in_every_script()
    assert story.slug == "bakililar-ukraynaya-destek-aksiyasina-cixdi"
    for url in public_addresses(story):
        response = client.get(url)
        assert response.status_code == 200, url
        if response["Content-Type"].startswith("application/json"):
            content = json.dumps(response.json(), ensure_ascii=False)
        else:
            content = response.content.decode()
        # Every address a page gives is one that answers (media and static
        # files aside: tests neither upload nor collect them).
        for link in re.findall(r"https?://testserver(/[^\"'<\s]*)", content):
            if not link.startswith(("/media/", "/static/")):
                assert client.get(link).status_code in (200, 301, 302), (url, link)


def test_the_story_page_links_each_tag_by_its_latin_address(client):
    story = story_in_every_script()
    page = client.get(story.get_absolute_url()).content.decode()
    for tag in story.tags.all():
        assert f'href="{tag.get_absolute_url()}"' in page
        assert tag.name in page


def test_an_editor_leaves_the_slug_blank_for_a_georgian_headline(client):
    as_user(client, make_staff("Editor"))
    page = client.get(admin_url(Article, "add"))
    section = Section.objects.create(name="ამბები", slug="")
    data = form_data(
        page,
        "article_form",
        headline="თბილისში აქცია გაიმართა",
        slug="",
        body="<p>ტექსტი</p>",
        section=section.pk,
        outlet=house_outlet().pk,
        language="ka",
        tags="საპროტესტო აქცია, Тбилиси",
    )
    response = client.post(admin_url(Article, "add"), data)
    assert response.status_code == 302
    story = Article.objects.get(headline="თბილისში აქცია გაიმართა")
    assert story.slug == "tbilisshi-aktsia-gaimarta"
    assert section.slug == "ambebi"
    assert sorted(story.tags.values_list("slug", flat=True)) == [
        "saprotesto-aktsia",
        "tbilisi",
    ]


def test_a_slug_typed_in_another_script_is_a_form_error_that_says_what_to_do(client):
    as_user(client, make_staff("Editor"))
    page = client.get(admin_url(Article, "add"))
    data = form_data(
        page,
        "article_form",
        headline="Тбилиси",
        slug="тбилиси",
        section=Section.objects.create(name="News").pk,
        outlet=house_outlet().pk,
        language="ru",
    )
    response = client.post(admin_url(Article, "add"), data)
    assert response.status_code == 200
    assert "Use Latin letters, digits and hyphens only" in response.content.decode()
    assert not Article.objects.exists()

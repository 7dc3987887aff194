"""What stories tell search engines and social networks, and related stories."""

import json
import re
from datetime import timedelta
from io import BytesIO

import extruct
import lxml.html
import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from PIL import Image as PillowImage

from articles import seo
from articles.models import Article, Correction, Outlet
from tests.helpers import (
    make_article,
    make_author,
    make_draft,
    make_image,
    make_outlet,
    make_section,
    page_text,
)

pytestmark = pytest.mark.django_db


def page_of(client, story):
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def jsonld(page):
    [block] = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.S
    )
    return json.loads(block)


def meta_tags(page):
    pairs = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', page)
    tags = {}
    for name, content in pairs:
        tags.setdefault(name, []).append(content)
    return tags


def test_the_news_article_data_describes_a_house_story(client):
    house = make_outlet(
        name="OC Media",
        slug="oc",
        is_house=True,
        url="https://oc-media.org/",
        logo=make_image(),
    )
    author = make_author(name="Mariam Nikuradze", slug="mariam")
    story = make_article(
        headline="Council votes",
        standfirst="The vote was close.",
        section=make_section(name="Politics"),
        authors=[author],
        outlet=house,
        tags=["Tbilisi", "Elections"],
        language="ka",
        lead_image=make_image(),
    )
    correction = Correction.objects.create(
        article=story, date=story.published_at + timedelta(hours=2), text="A fix."
    )
    data = jsonld(page_of(client, story))
    url = f"http://testserver{story.get_absolute_url()}"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Council votes"
    assert data["description"] == "The vote was close."
    assert data["url"] == url
    assert data["mainEntityOfPage"] == url
    assert data["datePublished"] == story.published_at.isoformat()
    assert data["dateModified"] == correction.date.isoformat()
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Mariam Nikuradze",
            "url": "http://testserver/ka/author/mariam/",
        }
    ]
    assert data["publisher"] == {
        "@type": "NewsMediaOrganization",
        "name": "OC Media",
        "url": "https://oc-media.org/",
        "logo": {
            "@type": "ImageObject",
            "url": f"http://testserver{house.logo.file.url}",
            "width": house.logo.width,
            "height": house.logo.height,
        },
    }
    # Too small for the crops search engines ask for: the 1200×630 crop around
    # the picture's focal point, as large as the picture allows.
    assert data["image"] == [
        {
            "@type": "ImageObject",
            "url": f"http://testserver{story.lead_image.social_rendition_url()}",
            "width": 64,
            "height": 34,
        }
    ]
    assert "1200x630" in data["image"][0]["url"]
    assert data["articleSection"] == "Politics"
    assert data["keywords"] == ["Tbilisi", "Elections"]
    assert data["inLanguage"] == "ka"
    assert data["isAccessibleForFree"] is True
    assert "isBasedOn" not in data
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "A fix.",
            "datePublished": correction.date.isoformat(),
        }
    ]


def test_a_partner_story_without_byline_is_signed_by_its_outlet(client):
    partner = make_outlet(name="JAMnews", url="https://jam-news.net/")
    story = make_article(outlet=partner, original_url="https://jam-news.net/story")
    data = jsonld(page_of(client, story))
    organisation = {
        "@type": "NewsMediaOrganization",
        "name": "JAMnews",
        "url": "https://jam-news.net/",
    }
    assert data["author"] == [organisation]
    assert data["publisher"] == organisation
    # The original is the story's address and the work it is based on.
    assert data["mainEntityOfPage"] == "https://jam-news.net/story"
    assert data["url"] == "https://jam-news.net/story"
    assert data["isBasedOn"] == "https://jam-news.net/story"
    assert "image" not in data
    assert "correction" not in data


def test_json_ld_cannot_be_closed_by_a_headline(client):
    story = make_article(
        headline="</script><script>alert(1)</script> & <!-- more",
        tags=["</script>"],
    )
    page = page_of(client, story)
    assert "<script>alert(1)" not in page
    assert page.count('<script type="application/ld+json">') == 1
    data = jsonld(page)
    assert data["headline"] == "</script><script>alert(1)</script> & <!-- more"
    assert data["keywords"] == ["</script>"]


def test_the_jsonld_filter_escapes_markup_characters():
    rendered = Template("{% load newsroom %}{{ data|jsonld }}").render(
        Context({"data": {"a": "<b>&</b>"}})
    )
    assert rendered == (
        '<script type="application/ld+json">'
        '{"a": "\\u003Cb\\u003E\\u0026\\u003C/b\\u003E"}</script>'
    )


def test_open_graph_and_twitter_tags_carry_absolute_image_addresses(client):
    image = make_image(alt_text="Crowds outside the embassy")
    story = make_article(
        headline="Rally in Baku",
        seo_title="Baku rally: hundreds gather",
        seo_description="Hundreds gathered in Baku.",
        section=make_section(name="News"),
        tags=["Baku"],
        lead_image=image,
    )
    tags = meta_tags(page_of(client, story))
    image_url = f"http://testserver{image.social_rendition_url()}"
    width, height = image.social_rendition_size()
    expected = {
        "og:type": ["article"],
        "og:site_name": ["OC Media"],
        "og:title": ["Baku rally: hundreds gather"],
        "og:description": ["Hundreds gathered in Baku."],
        "og:url": [f"http://testserver{story.get_absolute_url()}"],
        "og:image": [image_url],
        "og:image:alt": ["Crowds outside the embassy"],
        "og:image:width": [str(width)],
        "og:image:height": [str(height)],
        "article:published_time": [story.published_at.isoformat()],
        "article:modified_time": [story.published_at.isoformat()],
        "article:section": ["News"],
        "article:tag": ["Baku"],
        "twitter:card": ["summary_large_image"],
        "twitter:title": ["Baku rally: hundreds gather"],
        "twitter:description": ["Hundreds gathered in Baku."],
        "twitter:image": [image_url],
        "twitter:image:alt": ["Crowds outside the embassy"],
    }
    for name, content in expected.items():
        assert tags[name] == content, name


def test_a_story_without_picture_gets_a_summary_card(client):
    story = make_article(standfirst="")
    tags = meta_tags(page_of(client, story))
    assert tags["twitter:card"] == ["summary"]
    assert "og:image" not in tags
    # No standfirst: the description comes from the body.
    assert tags["og:description"] == [seo.description(story)]
    assert tags["og:description"][0].startswith("Paragraph one of story")


def test_descriptions_are_cut_at_a_word():
    story = Article(standfirst="word " * 100)
    assert len(seo.description(story)) <= seo.DESCRIPTION_LENGTH
    assert seo.description(story).endswith("word…")


def test_translations_link_to_each_other_with_hreflang(client):
    original = make_article(headline="Rally in Baku", language="en")
    russian = make_article(
        headline="Митинг в Баку", language="ru", translation_of=original
    )
    make_draft(headline="Draft translation", language="az", translation_of=original)
    expected = [
        ("en", f"http://testserver{original.get_absolute_url()}"),
        ("ru", f"http://testserver{russian.get_absolute_url()}"),
        ("x-default", f"http://testserver{original.get_absolute_url()}"),
    ]
    for story in (original, russian):
        page = page_of(client, story)
        links = re.findall(
            r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page
        )
        assert sorted(links) == sorted(expected)
    alone = make_article()
    # The language switcher still names each edition (hreflang on its links).
    assert '<link rel="alternate" hreflang' not in page_of(client, alone)


def test_editors_set_the_original_of_a_translation_in_the_admin(editor_client):
    page = editor_client.get("/admin/articles/article/add/").content.decode()
    assert 'name="translation_of"' in page


def test_related_stories_share_the_most_tags_first_then_are_newest(client):
    story = make_article(tags=["baku", "ukraine", "protests"])
    two_shared = make_article(headline="Two shared", tags=["baku", "ukraine"])
    newer_one = make_article(
        headline="One shared, newer",
        tags=["baku"],
        published_at=two_shared.published_at + timedelta(hours=1),
    )
    older_one = make_article(
        headline="One shared, older",
        tags=["protests"],
        published_at=two_shared.published_at - timedelta(days=1),
    )
    make_article(headline="Unrelated", tags=["football"])
    make_draft(headline="Draft sharing all", tags=["baku", "ukraine", "protests"])
    response = client.get(story.get_absolute_url())
    related = [s.headline for s in response.context["related"]]
    assert related == [two_shared.headline, newer_one.headline, older_one.headline]
    page = response.content.decode()
    assert 'aria-labelledby="related-heading"' in page
    assert "Draft sharing all" not in page


def test_related_stories_take_one_query(django_assert_num_queries):
    story = make_article(tags=["baku", "ukraine"])
    for n in range(6):
        make_article(headline=f"Related {n}", tags=["baku"])
    story = Article.objects.for_story().get(pk=story.pk)
    with django_assert_num_queries(1):
        related = list(
            Article.objects.published().related_to(story).select_related("section")[:4]
        )
        assert [s.section.name for s in related]
    assert len(related) == 4
    assert story not in related


@pytest.mark.usefixtures("uncached_pages")
def test_the_story_page_costs_the_same_queries_however_much_it_links_to(
    client, django_assert_max_num_queries
):
    tags = ["baku", "ukraine", "protests"]
    original = make_article(tags=tags, authors=[make_author()])
    story = make_article(
        tags=tags,
        authors=[make_author(), make_author()],
        translation_of=original,
        lead_image=make_image(),
    )
    Correction.objects.create(article=story, text="Fixed.")
    client.get(story.get_absolute_url())  # warm the caches every page shares
    with django_assert_max_num_queries(8) as few:
        client.get(story.get_absolute_url())
    budget = len(few.captured_queries)
    for n in range(10):
        make_article(tags=tags, authors=[make_author()], translation_of=original)
        Correction.objects.create(article=story, text=f"Fix {n}.")
    client.get(story.get_absolute_url())  # the shared caches refill after changes
    with django_assert_max_num_queries(budget):
        page = client.get(story.get_absolute_url()).content.decode()
    # All versions are English: one alternate, and the default.
    assert page.count('<link rel="alternate" hreflang="') == 2


def test_the_page_title_description_and_canonical_link_come_from_seo_alone(client):
    story = make_article(
        headline="Baku rally",
        standfirst="",
        seo_description="",
        body="<p>Hundreds gathered outside the embassy on Sunday.</p>",
    )
    page = client.get(story.get_absolute_url()).content.decode()
    absolute = f"http://testserver{story.get_absolute_url()}"
    assert f'<link rel="canonical" href="{absolute}">' in page
    # Without a standfirst the description falls back to the body, as og:description does.
    summary = seo.description(story)
    assert summary.startswith("Hundreds gathered")
    assert f'<meta name="description" content="{summary}">' in page
    assert f'<meta property="og:description" content="{summary}">' in page
    assert f"<title>{seo.title(story)} · " in page
    assert page.count('<meta name="description"') == 1
    assert page.count('<link rel="canonical"') == 1


# Every public page


OC_SLUG = "azerbaijanis-take-to-the-streets-against-russian-invasion"
JAM_SLUG = "baku-rally-in-support-of-ukraine"


def head_of(page):
    """The page's meta tags ({name or property: [content, …]}), canonical
    links, and what extruct reads of its JSON-LD and Open Graph."""
    head = lxml.html.fromstring(page).head
    tags = {}
    for meta in head.iter("meta"):
        if name := meta.get("property") or meta.get("name"):
            tags.setdefault(name, []).append(meta.get("content"))
    canonical = [
        link.get("href") for link in head.iter("link") if link.get("rel") == "canonical"
    ]
    found = extruct.extract(page, syntaxes=["json-ld", "opengraph"])
    [graph] = found["opengraph"]
    return tags, canonical, found["json-ld"], dict(graph["properties"])


def demo_pages(edition):
    """(name, address, canonical address) of a page of each kind in an edition;
    another edition's stories are translations of the demo's."""
    oc, jam = Article.objects.get(slug=OC_SLUG), Article.objects.get(slug=JAM_SLUG)
    if edition != "en":
        oc, jam = (
            make_article(
                language=edition,
                translation_of=story,
                section=story.section,
                lead_image=story.lead_image,
                outlet=story.outlet,
                original_url=story.original_url,
            )
            for story in (oc, jam)
        )
    make_author(name="Ульвия Али", slug="ulviya-ali")
    with translation.override(edition):
        search = reverse("articles:search")
        pages = [
            ("home", reverse("articles:home"), None),
            ("house story", oc.get_absolute_url(), None),
            ("partner story", jam.get_absolute_url(), jam.original_url),
            ("section", reverse("articles:section", args=["news"]), None),
            ("tag", reverse("articles:tag", args=["baku"]), None),
            ("author", reverse("articles:author", args=["ulviya-ali"]), None),
            # What the form does not read is no part of the address.
            ("search", f"{search}?q=Baku&utm_source=feed", f"{search}?q=Baku"),
            ("support", reverse("articles:support"), None),
        ]
    for name, path, canonical in pages:
        canonical = canonical or path
        if canonical.startswith("/"):
            canonical = f"http://testserver{canonical}"
        yield name, path, canonical


# One of each on every public page.
EVERY_PAGE_TAGS = [
    "description",
    "robots",
    "og:title",
    "og:description",
    "og:url",
    "og:type",
    "og:site_name",
    "og:locale",
    "og:image",
    "twitter:card",
    "twitter:title",
    "twitter:description",
    "twitter:image",
]


@pytest.mark.parametrize(("edition", "locale"), [("en", "en_GB"), ("ru", "ru_RU")])
def test_every_public_page_describes_itself_to_search_engines_and_previews(
    client, demo, edition, locale
):
    for name, path, canonical in demo_pages(edition):
        response = client.get(path)
        assert response.status_code == 200, name
        tags, links, jsonld, graph = head_of(response.content.decode())
        assert links == [canonical], name
        for one in EVERY_PAGE_TAGS:
            assert len(tags.get(one, [])) == 1 and tags[one][0], (name, one)
        [description] = tags["description"]
        assert tags["og:description"] == tags["twitter:description"] == [description]
        assert tags["og:title"] == tags["twitter:title"], name
        assert graph["og:url"] == canonical, name
        assert graph["og:locale"] == locale, name
        assert graph["og:site_name"] == "OC Media"
        story = name.endswith("story")
        assert graph["og:type"] == ("article" if story else "website"), name
        card = "summary_large_image" if story else "summary"
        assert tags["twitter:card"] == [card], name
        # Pictures from storage (stories' photos, our logo elsewhere).
        assert graph["og:image"].startswith("http://testserver/media/"), name
        assert client.get(graph["og:image"]).status_code == 200, name
        robots = tags["robots"][0].split(", ")
        assert "max-image-preview:large" in robots, name
        assert ("noindex" in robots) == (name == "search"), name
        kinds = {block["@type"] for block in jsonld}
        expected = {"home": {"WebSite", "NewsMediaOrganization"}}
        assert kinds == expected.get(name, {"NewsArticle"} if story else set()), name


def test_a_listings_later_pages_are_their_own_canonical(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 1
    section = make_section(slug="news", description="")
    make_article(section=section)
    make_article(section=section)
    for query, canonical in (("", ""), ("?page=1", ""), ("?page=2", "?page=2")):
        tags, links, _jsonld, _graph = head_of(
            client.get(f"/section/news/{query}").content.decode()
        )
        assert links == [f"http://testserver/section/news/{canonical}"]
        assert tags["og:url"] == links
    # No description of its own: one made from its name.
    assert tags["description"] == [
        f"The latest stories in {section.name} from OC Media."
    ]


def test_the_news_article_offers_16_9_4_3_and_1_1_crops_of_its_photo(client, demo):
    story = Article.objects.get(slug=OC_SLUG)
    _tags, _links, [data], _graph = head_of(page_of(client, story))
    ratios = []
    for image in data["image"]:
        assert image["@type"] == "ImageObject"
        assert image["width"] >= 1200
        ratios.append(round(image["width"] / image["height"], 2))
        # Made when the photo was stored, and served from storage.
        response = client.get(image["url"])
        assert response.status_code == 200
        served = PillowImage.open(BytesIO(b"".join(response)))
        assert served.size == (image["width"], image["height"])
    assert ratios == [round(16 / 9, 2), round(4 / 3, 2), 1.0]


def test_the_publisher_shows_its_logo_and_a_partner_story_its_original(client, demo):
    for slug in (OC_SLUG, JAM_SLUG):
        story = Article.objects.select_related("outlet__logo").get(slug=slug)
        _tags, links, [data], graph = head_of(page_of(client, story))
        logo = story.outlet.logo
        assert data["publisher"]["logo"] == {
            "@type": "ImageObject",
            "url": f"http://testserver{logo.file.url}",
            "width": 600,
            "height": 200,
        }
    original = story.original_url
    assert links == [original] == [data["url"]] == [data["mainEntityOfPage"]]
    assert data["isBasedOn"] == graph["og:url"] == original


def home_data(client, prefix=""):
    """The WebSite and NewsMediaOrganization blocks of an edition's home."""
    _tags, _links, jsonld, _graph = head_of(client.get(f"{prefix}/").content.decode())
    return jsonld


def test_home_describes_each_editions_site_and_search_and_our_outlet(client, demo):
    house = Outlet.objects.house()
    for prefix in ("", "/ru"):
        website, organisation = home_data(client, prefix)
        assert website["@type"] == "WebSite"
        assert website["name"] == "OC Media"
        assert website["url"] == f"http://testserver{prefix}/"
        action = website["potentialAction"]
        assert action["@type"] == "SearchAction"
        assert action["query-input"] == "required name=search_term_string"
        search = action["target"]["urlTemplate"]
        assert search == f"http://testserver{prefix}/search/?q={{search_term_string}}"
        assert organisation == {
            "@context": "https://schema.org",
            "@type": "NewsMediaOrganization",
            "name": "OC Media",
            "url": "https://oc-media.org/",
            "logo": {
                "@type": "ImageObject",
                "url": f"http://testserver{house.logo.file.url}",
                "width": 600,
                "height": 200,
            },
        }
    # The address search engines are given finds the edition's stories.
    website, _organisation = home_data(client)
    search = website["potentialAction"]["target"]["urlTemplate"]
    found = client.get(search.replace("{search_term_string}", "Baku"))
    assert found.status_code == 200
    assert "Baku rally in support of Ukraine" in page_text(found)


def test_home_links_our_principles_and_corrections_policy_once_set(client, demo):
    house = Outlet.objects.house()
    house.publishing_principles_url = "https://oc-media.org/ethics/"
    house.corrections_policy_url = "https://oc-media.org/corrections/"
    house.save()
    _website, organisation = home_data(client)
    assert organisation["publishingPrinciples"] == "https://oc-media.org/ethics/"
    assert organisation["correctionsPolicy"] == "https://oc-media.org/corrections/"
    # Stories' publisher says so too.
    story = Article.objects.get(slug=OC_SLUG)
    _tags, _links, [data], _graph = head_of(page_of(client, story))
    assert data["publisher"]["publishingPrinciples"] == "https://oc-media.org/ethics/"
    assert data["publisher"]["correctionsPolicy"] == "https://oc-media.org/corrections/"


def test_editors_set_the_outlets_policies_in_the_admin(editor_client):
    house = Outlet.objects.house()
    page = editor_client.get(
        f"/admin/articles/outlet/{house.pk}/change/"
    ).content.decode()
    assert 'name="publishing_principles_url"' in page
    assert 'name="corrections_policy_url"' in page

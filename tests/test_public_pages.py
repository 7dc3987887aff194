"""Reader pages: what they show, and that drafts and scheduled stories never appear."""

import re

import pytest
from django.urls import reverse

from articles.models import Correction, Tag
from tests.helpers import (
    make_article,
    make_author,
    make_draft,
    make_image,
    make_outlet,
    make_scheduled,
    make_section,
    page_text,
)

pytestmark = pytest.mark.django_db


def public_urls(section, tag, author):
    return [
        reverse("articles:home"),
        reverse("articles:section", args=[section.slug]),
        reverse("articles:tag", args=[tag.slug]),
        reverse("articles:author", args=[author.slug]),
        reverse("articles:search") + "?q=Secret",
        reverse("articles:support"),
    ]


def test_it_hides_drafts_and_scheduled_stories_everywhere(client):
    section = make_section()
    author = make_author()
    make_article(
        headline="Visible story", section=section, authors=[author], tags=["baku"]
    )
    draft = make_draft(
        headline="Secret draft", section=section, authors=[author], tags=["baku"]
    )
    review = make_article(
        headline="Secret in review",
        status="review",
        section=section,
        authors=[author],
        tags=["baku"],
    )
    scheduled = make_scheduled(
        headline="Secret scheduled", section=section, authors=[author], tags=["baku"]
    )
    tag = Tag.objects.get(name="baku")
    for url in public_urls(section, tag, author):
        text = page_text(client.get(url))
        for hidden in (draft, review, scheduled):
            assert hidden.headline not in text, (url, hidden.headline)
    for hidden in (draft, review, scheduled):
        assert client.get(hidden.get_absolute_url()).status_code == 404


def test_a_scheduled_story_appears_once_its_time_passes(client):
    from datetime import timedelta

    from django.utils import timezone

    story = make_scheduled(headline="Later today")
    assert client.get(story.get_absolute_url()).status_code == 404
    story.published_at = timezone.now() - timedelta(seconds=1)
    story.save()
    assert client.get(story.get_absolute_url()).status_code == 200


def test_the_story_page_shows_everything_a_reader_needs(client):
    author = make_author(name="Mariam Nikuradze")
    story = make_article(
        headline="Tbilisi council votes",
        standfirst="The vote was close.",
        authors=[author],
        tags=["Tbilisi"],
    )
    Correction.objects.create(article=story, text="An earlier version misspelt a name.")
    response = client.get(story.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        '<h1 id="story-headline" class="story__headline">Tbilisi council votes</h1>'
        in page
    )
    assert '<p class="story__standfirst">The vote was close.</p>' in page
    assert f'<a href="{author.get_absolute_url()}">Mariam Nikuradze</a>' in page
    assert '<time datetime="' in page
    assert "An earlier version misspelt a name." in page
    assert "Updated" in page
    assert 'href="/tag/tbilisi/" rel="tag"' in page


def test_a_partner_story_points_to_its_original(client):
    partner = make_outlet(name="Partner News", url="https://partner.example/")
    story = make_article(outlet=partner, original_url="https://partner.example/story")
    page = client.get(story.get_absolute_url()).content.decode()
    assert '<link rel="canonical" href="https://partner.example/story">' in page
    assert "first published by" in page


def test_a_house_story_is_its_own_canonical(client):
    story = make_article()
    page = client.get(story.get_absolute_url()).content.decode()
    assert (
        f'<link rel="canonical" href="http://testserver{story.get_absolute_url()}">'
        in page
    )


@pytest.mark.parametrize(
    "url",
    [
        "/story/no-such-story/",
        "/section/nowhere/",
        "/tag/nothing/",
        "/author/nobody/",
        "/no/such/page/",
        "/preview/forged-token/",
    ],
)
def test_unknown_addresses_are_404_with_the_sites_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_listings_are_paginated(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 2
    section = make_section()
    for n in range(5):
        make_article(headline=f"Paged story {n}", section=section)
    first = client.get(section.get_absolute_url())
    last = client.get(section.get_absolute_url() + "?page=3")
    assert first.content.decode().count('class="card"') == 2
    assert "Page 1 of 3" in first.content.decode()
    assert last.content.decode().count('class="card"') == 1
    assert client.get(section.get_absolute_url() + "?page=1").content == first.content
    # Any other page number is not one of the listing's pages.
    for number in ("4", "99", "0", "-1", "02", "x", "", "٣", "1.0"):
        response = client.get(section.get_absolute_url() + f"?page={number}")
        assert response.status_code == 404, number
        assert "We could not find that page" in response.content.decode()


def test_the_home_page_leads_with_the_latest_story(client):
    from datetime import timedelta

    older = make_article(headline="Older story")
    newest = make_article(
        headline="Newest story", published_at=older.published_at + timedelta(hours=1)
    )
    page = client.get("/").content.decode()
    lead = page[page.index("card--lead") : page.index('id="latest-heading"')]
    assert newest.headline in lead
    assert older.headline not in lead
    assert older.headline in page


# The width of each card's picture slot, as site.css lays the cards out.
GRID_CARD_SIZES = (
    "(min-width: 74em) 22.5rem, (min-width: 62em) calc(33.34vw - 2.16rem), "
    "(min-width: 41.75em) calc(50vw - 2.37rem), (min-width: 40em) calc(100vw - 3rem), "
    "calc(100vw - 2rem)"
)
HOME_SIZES = {
    "lead": "(min-width: 74em) 45.67rem, (min-width: 60em) calc(66.67vw - 3.66rem), "
    "(min-width: 40em) calc(100vw - 3rem), 100vw",
    # Thumbnails on phones, hidden from 60em.
    "latest": "(min-width: 60em) 6.5rem, (min-width: 41.75em) calc(50vw - 2.37rem), "
    "(min-width: 40em) calc(100vw - 3rem), 6.5rem",
    # Four columns from 60em, thumbnails on phones.
    "section": "(min-width: 74em) 16.44rem, (min-width: 60em) calc(25vw - 2.06rem), "
    "(min-width: 41.75em) calc(50vw - 2.37rem), (min-width: 40em) calc(100vw - 3rem), "
    "6.5rem",
}


def picture_sizes(html):
    return set(
        re.findall(r'<source type="image/[a-z]+" srcset="[^"]*" sizes="([^"]*)"', html)
    )


def test_card_pictures_ask_for_the_width_of_their_slot(client):
    news = make_section(name="News", slug="news")
    for _ in range(3):
        make_article(section=news, lead_image=make_image())
    page = client.get("/").content.decode()
    latest = page.index('id="latest-heading"')
    sections = page.index('class="home-section"')
    assert picture_sizes(page[page.index("card--lead") : latest]) == {
        HOME_SIZES["lead"]
    }
    assert picture_sizes(page[latest:sections]) == {HOME_SIZES["latest"]}
    assert picture_sizes(page[sections:]) == {HOME_SIZES["section"]}
    # Listings and search lay their cards out in the plain grid.
    for listing in ["/section/news/", "/search/?q=story"]:
        listed = client.get(listing).content.decode()
        assert picture_sizes(listed) == {GRID_CARD_SIZES}, listing


def test_search_finds_published_stories_and_rejects_bad_input(client):
    make_article(headline="Rally in Baku", tags=["protests"])
    make_draft(headline="Draft about Baku")
    found = client.get("/search/?q=Baku")
    assert "Rally in Baku" in found.content.decode()
    assert "Draft about Baku" not in found.content.decode()
    bad = client.get("/search/?published_after=not-a-date")
    assert bad.status_code == 400
    assert "Enter a valid date" in bad.content.decode()
    too_long = client.get("/search/?q=" + "a" * 5000)
    assert too_long.status_code == 400
    unknown = client.get("/search/?section=no-such-section")
    assert unknown.status_code == 400


def test_the_support_page_lists_active_tiers(client, demo):
    page = page_text(client.get("/support/"))
    assert "Member" in page
    assert "5 EUR per month" in page
    assert "Right now, online media in Georgia" in page

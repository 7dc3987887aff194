"""The page cache: anonymous readers get stored pages until anything they show changes."""

import gzip
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles.models import (
    Correction,
    Embed,
    MembershipPrompt,
    MembershipTier,
    Outlet,
    Tag,
)
from articles.serving.invalidation import forget_pages
from tests.helpers import (
    make_article,
    make_author,
    make_image,
    make_prompt,
    make_scheduled,
    make_section,
    page_text,
)
from tests.wsgi import WSGI

pytestmark = pytest.mark.django_db


def cached(client, url, **extra):
    """Fetch a page twice; the second answer, which should come from the cache."""
    client.get(url, **extra)
    return client.get(url, **extra)


def test_it_serves_a_story_from_the_cache_without_a_database_query(
    client, django_assert_num_queries
):
    story = make_article(headline="Council votes", tags=["tbilisi"])
    first = client.get(story.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(story.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_it_tells_browsers_and_cdns_the_page_is_public_for_a_while(client):
    story = make_article()
    for response in (client.get("/"), cached(client, story.get_absolute_url())):
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert "public" in directives
        assert f"max-age={settings.NEWSROOM_PAGE_MAX_AGE}" in directives
        assert (
            f"stale-while-revalidate={settings.NEWSROOM_PAGE_STALE_SECONDS}"
            in directives
        )
        assert response["ETag"]


def test_it_answers_a_conditional_get_with_not_modified(client):
    story = make_article()
    first = client.get(story.get_absolute_url())
    fresh = client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 304
    assert fresh.content == b""
    story.headline = "A new headline"
    story.save()
    changed = client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert "A new headline" in page_text(changed)


def test_a_conditional_get_that_misses_still_fills_the_cache(
    client, django_assert_num_queries
):
    story = make_article()
    etag = client.get(story.get_absolute_url())["ETag"]
    forget_pages()  # say a CDN revalidates after a change elsewhere
    revalidated = client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert revalidated.status_code == 304
    assert "public" in revalidated["Cache-Control"]
    with django_assert_num_queries(0):
        again = client.get(story.get_absolute_url())
    assert again["X-Page-Cache"] == "hit"


def test_a_page_from_the_cache_keeps_every_security_header(client):
    story = make_article()
    first = client.get(story.get_absolute_url())
    second = client.get(story.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    for header in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "Referrer-Policy",
        "X-Content-Type-Options",
        "Cross-Origin-Opener-Policy",
        "X-Frame-Options",
    ):
        assert second[header] == first[header], header


def test_it_serves_head_requests_from_the_cache(client, django_assert_num_queries):
    story = make_article()
    client.get(story.get_absolute_url())
    with django_assert_num_queries(0):
        response = client.head(story.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit"


def test_it_shows_an_edited_story_at_once(client):
    story = make_article(headline="First headline")
    cached(client, "/")
    cached(client, story.get_absolute_url())
    story.headline = "Second headline"
    story.save()
    assert "Second headline" in page_text(client.get("/"))
    assert "Second headline" in page_text(client.get(story.get_absolute_url()))


def change_image(story):
    story.lead_image.alt_text = "A changed description"
    story.lead_image.save()
    return "A changed description"


def change_tag(story):
    tag = Tag.objects.get(slug="baku")
    tag.name = "Baku city"
    tag.save()
    return "Baku city"


def add_tag(story):
    story.tags.add("Ganja")
    return "Ganja"


def change_section(story):
    section = story.section
    section.name = "Politics now"
    section.save()
    return "Politics now"


def change_outlet(story):
    outlet = Outlet.objects.get(pk=story.outlet_id)
    outlet.description = "Independent news from the region"
    outlet.save()
    return "Independent news from the region"


def change_author(story):
    author = story.bylines.get().author
    author.name = "Leyla Mammadova"
    author.save()
    return "Leyla Mammadova"


def add_correction(story):
    Correction.objects.create(article=story, text="The date was wrong.")
    return "The date was wrong."


def add_prompt(story):
    make_prompt(heading="Keep us independent")
    return "Keep us independent"


def switch_off_prompt(story):
    prompt = MembershipPrompt.objects.get()
    prompt.is_active = False
    prompt.save()
    return None


def change_embed(story):
    embed = Embed.objects.get()
    embed.author_name = "Embassy of Ukraine"
    embed.save()
    return "Embassy of Ukraine"


@pytest.mark.parametrize(
    "change",
    [
        change_image,
        change_tag,
        add_tag,
        change_section,
        change_outlet,
        change_author,
        add_correction,
        add_prompt,
        switch_off_prompt,
        change_embed,
    ],
)
def test_it_forgets_cached_pages_when_anything_they_show_changes(client, change):
    Embed.objects.create(
        slug="tweet", url="https://example.org/p/1", author_name="Ambassador", text="x"
    )
    make_prompt(heading="Old appeal")
    story = make_article(
        headline="Rally in Baku",
        authors=[make_author()],
        tags=["baku"],
        lead_image=make_image(),
        body="<p>One.</p><p>[embed:tweet]</p>",
    )
    before = cached(client, story.get_absolute_url())
    assert before["X-Page-Cache"] == "hit"
    expected = change(story)
    after = client.get(story.get_absolute_url())
    assert after["X-Page-Cache"] == "miss"
    if expected:
        assert expected in after.content.decode()
    else:
        assert "Old appeal" not in page_text(after)


def test_it_forgets_the_support_page_when_a_tier_changes(client):
    tier = MembershipTier.objects.create(
        name="Friend", amount=5, checkout_url="https://checkout.example.org/friend"
    )
    cached(client, reverse("articles:support"))
    tier.name = "Supporter"
    tier.save()
    assert "Supporter" in page_text(client.get(reverse("articles:support")))


def shift_clock(monkeypatch, delta):
    now = timezone.now() + delta
    clock = now.timestamp()
    monkeypatch.setattr(timezone, "now", lambda: now)
    monkeypatch.setattr("articles.serving.pages.time.time", lambda: clock)


def test_it_shows_a_scheduled_story_once_its_time_passes(client, monkeypatch):
    make_article(headline="Already out")
    make_scheduled(headline="Due tomorrow")
    home = cached(client, "/")
    assert home["X-Page-Cache"] == "hit"
    assert "Due tomorrow" not in page_text(home)
    shift_clock(monkeypatch, timedelta(days=1, minutes=1))
    later = client.get("/")
    assert later["X-Page-Cache"] == "miss"
    assert "Due tomorrow" in page_text(later)


def test_it_never_promises_freshness_past_the_next_scheduled_story(client):
    make_article()
    make_article(published_at=timezone.now() + timedelta(seconds=20))
    response = client.get("/")
    max_age = int(response["Cache-Control"].split("max-age=")[1].split(",")[0])
    assert 0 <= max_age <= 20


def test_it_starts_and_ends_a_prompt_on_time(client, monkeypatch):
    story = make_article()
    make_prompt(
        heading="Weekend appeal",
        starts_at=timezone.now() + timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=2),
    )
    assert "Weekend appeal" not in page_text(cached(client, story.get_absolute_url()))
    shift_clock(monkeypatch, timedelta(minutes=61))
    assert "Weekend appeal" in page_text(cached(client, story.get_absolute_url()))
    shift_clock(monkeypatch, timedelta(minutes=121))
    assert "Weekend appeal" not in page_text(client.get(story.get_absolute_url()))


def test_it_keeps_listing_pages_apart(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 1
    section = make_section()
    make_article(headline="Newest story", section=section)
    second = make_article(headline="Older story", section=section)
    page_one = cached(client, section.get_absolute_url())
    page_two = cached(client, section.get_absolute_url() + "?page=2")
    assert page_two["X-Page-Cache"] == "hit"
    assert page_one.content != page_two.content
    assert second.headline in page_text(page_two)


def stored_pages(monkeypatch):
    """The keys the page cache stores pages under, as it stores them."""
    from articles.serving import pages as middleware

    keys = []
    real_set = middleware.cache.set

    def recording_set(key, value, *args, **kwargs):
        if key.startswith(middleware.PAGE_KEY_PREFIX):
            keys.append(key)
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(middleware.cache, "set", recording_set)
    return keys


def test_anonymous_requests_add_no_more_pages_than_the_site_has(client, monkeypatch):
    story = make_article(tags=["Baku"])
    section = story.section
    stored = stored_pages(monkeypatch)
    for n in range(100):
        # The story has no pages, the section one: none of these is another page.
        for url in (
            f"{story.get_absolute_url()}?page={n}",
            f"{story.get_absolute_url()}?x{n}=1",
            f"{section.get_absolute_url()}?page={n + 2}",
            f"{section.get_absolute_url()}?page=0{n}",
            f"{section.get_absolute_url()}?sort={n}",
            f"/?page={n}",
        ):
            response = client.get(url)
            assert "X-Page-Cache" not in response, url
    assert stored == []
    assert cached(client, story.get_absolute_url())["X-Page-Cache"] == "hit"
    assert len(stored) == 1


def test_a_bad_page_number_is_a_404_that_is_never_stored(client, monkeypatch):
    section = make_article().section
    stored = stored_pages(monkeypatch)
    for number in ("2", "0", "02", "x", "1e3", "999999999999"):
        response = client.get(f"{section.get_absolute_url()}?page={number}")
        assert response.status_code == 404
        assert "X-Page-Cache" not in response
    assert stored == []


def test_the_first_page_of_a_listing_has_one_cache_entry(client, monkeypatch):
    section = make_article().section
    stored = stored_pages(monkeypatch)
    first = client.get(section.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    again = client.get(section.get_absolute_url() + "?page=1")
    assert again["X-Page-Cache"] == "hit"
    assert again.content == first.content
    assert len(stored) == 1


def test_it_ignores_tracking_parameters(client):
    story = make_article()
    client.get(story.get_absolute_url())
    shared = client.get(story.get_absolute_url() + "?utm_source=x&fbclid=abc123")
    assert shared["X-Page-Cache"] == "hit"


def test_it_does_not_store_searches(client):
    make_article(headline="Protest in Baku")
    response = cached(client, "/search/?q=Baku")
    assert "X-Page-Cache" not in response
    assert "public" in response["Cache-Control"]
    assert "Protest in Baku" in page_text(response)


def test_it_bypasses_the_cache_for_staff(editor_client):
    story = make_article(headline="Staff see it fresh")
    editor_client.get(story.get_absolute_url())
    response = editor_client.get(story.get_absolute_url())
    assert "X-Page-Cache" not in response
    assert "public" not in response.get("Cache-Control", "")


def test_it_never_caches_previews_or_the_admin(editor_client, client):
    draft = make_article(status="draft", headline="Not yet")
    preview = client.get(draft.get_preview_url())
    again = client.get(draft.get_preview_url())
    assert "X-Page-Cache" not in again
    assert "no-store" in preview["Cache-Control"]
    admin = client.get(reverse("admin:login"))
    assert "X-Page-Cache" not in admin
    assert "public" not in admin.get("Cache-Control", "")


def test_it_does_not_cache_posts_or_responses_that_set_cookies(client):
    story = make_article()
    client.get(story.get_absolute_url())
    response = client.post(story.get_absolute_url())
    assert "X-Page-Cache" not in response
    login = cached(client, reverse("admin:login"))
    assert "X-Page-Cache" not in login


def test_it_does_not_cache_missing_pages(client):
    client.get("/story/nothing-here/")
    response = client.get("/story/nothing-here/")
    assert response.status_code == 404
    assert "X-Page-Cache" not in response


def test_it_can_be_switched_off(client, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    story = make_article()
    response = cached(client, story.get_absolute_url())
    assert "X-Page-Cache" not in response


IN_PROCESS_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}


def test_a_purge_in_another_worker_reaches_this_workers_local_cache(settings):
    from django.core.cache import cache

    from articles.serving import invalidation

    settings.CACHES = IN_PROCESS_CACHE
    settings.NEWSROOM_CHANGE_STAMP.parent.mkdir(parents=True, exist_ok=True)
    settings.NEWSROOM_CHANGE_STAMP.touch()
    invalidation.sync_local_cache()  # this worker has read the log so far
    cache.set_many({invalidation.version_key("a1"): 5, "a-page": "kept"})
    # Another gunicorn worker purged story 1: it appends a line to the shared log.
    with settings.NEWSROOM_CHANGE_STAMP.open("a") as log:
        log.write("1700000000000000000 a1 latest\n")
    invalidation.sync_local_cache()
    assert cache.get(invalidation.version_key("a1")) == 1700000000000000000
    assert cache.get(invalidation.version_key("latest")) == 1700000000000000000
    assert cache.get("a-page") == "kept"


def test_a_worker_that_finds_a_new_purge_log_empties_its_local_cache(settings):
    from django.core.cache import cache

    from articles.serving import invalidation

    settings.CACHES = IN_PROCESS_CACHE
    settings.NEWSROOM_CHANGE_STAMP.parent.mkdir(parents=True, exist_ok=True)
    settings.NEWSROOM_CHANGE_STAMP.write_text("1700000000000000000 a1\n" * 100)
    invalidation.sync_local_cache()
    cache.set("a-page", "kept")
    # The log was started afresh: what this worker missed is unknown.
    settings.NEWSROOM_CHANGE_STAMP.unlink()
    settings.NEWSROOM_CHANGE_STAMP.write_text("1700000000000000001 a2\n")
    invalidation.sync_local_cache()
    assert cache.get("a-page") is None


def test_purging_logs_the_keys_for_other_workers(settings, db):
    settings.CACHES = IN_PROCESS_CACHE
    forget_pages()
    assert settings.NEWSROOM_CHANGE_STAMP.read_text().splitlines()[-1].endswith(" site")


def test_the_wsgi_application_answers_a_hit_without_django(
    django_assert_num_queries,
):
    story = make_article(headline="Council votes")
    wsgi = WSGI()
    first = wsgi.get(story.get_absolute_url())
    assert (first["status"], first["headers"]["X-Page-Cache"]) == (200, "miss")
    assert wsgi.started == 1
    with django_assert_num_queries(0):
        second = wsgi.get(story.get_absolute_url())
    assert (second["status"], second["headers"]["X-Page-Cache"]) == (200, "hit")
    assert wsgi.started == 1  # Django's handler never saw the request
    assert second["body"] == first["body"]
    for header in ("Content-Security-Policy", "ETag", "Content-Length"):
        assert second["headers"][header] == first["headers"][header]
    assert "public" in second["headers"]["Cache-Control"]


def test_the_wsgi_application_answers_a_current_copy_with_not_modified():
    story = make_article()
    wsgi = WSGI()
    etag = wsgi.get(story.get_absolute_url())["headers"]["ETag"]
    fresh = wsgi.get(story.get_absolute_url(), if_none_match=etag)
    assert (fresh["status"], fresh["body"]) == (304, b"")
    assert wsgi.started == 1


def test_the_wsgi_application_leaves_staff_and_refused_hosts_to_django(settings):
    story = make_article()
    wsgi = WSGI()
    wsgi.get(story.get_absolute_url())
    staff = wsgi.get(
        story.get_absolute_url(), cookie=f"{settings.SESSION_COOKIE_NAME}=abc"
    )
    assert "X-Page-Cache" not in staff["headers"]
    assert wsgi.started == 2
    refused = wsgi.get(story.get_absolute_url(), host="elsewhere.example")
    assert refused["status"] == 400
    assert wsgi.started == 3


def test_the_wsgi_application_leaves_an_out_of_date_page_to_django():
    story = make_article()
    wsgi = WSGI()
    wsgi.get(story.get_absolute_url())
    forget_pages()
    again = wsgi.get(story.get_absolute_url())
    assert (again["status"], again["headers"]["X-Page-Cache"]) == (200, "miss")
    assert wsgi.started == 2


def test_a_browser_that_takes_gzip_gets_the_page_compressed_once_when_kept(
    client, django_assert_num_queries
):
    story = make_article(headline="Council votes", body="<p>Word. </p>" * 80)
    url = story.get_absolute_url()
    plain = client.get(url)
    with django_assert_num_queries(0):
        packed = client.get(url, HTTP_ACCEPT_ENCODING="br, gzip;q=0.8")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3
    # The two bodies are two representations: caches keep them apart.
    for response in (plain, packed):
        assert "Accept-Encoding" in response["Vary"]
    assert packed["ETag"] != plain["ETag"]
    fresh = client.get(
        url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"]
    )
    assert fresh.status_code == 304
    for refused in ("", "identity", "gzip;q=0", "deflate"):
        response = client.get(url, HTTP_ACCEPT_ENCODING=refused)
        assert not response.has_header("Content-Encoding"), refused
        assert response.content == plain.content


def test_the_wsgi_application_answers_a_hit_in_gzip_without_compressing_it(
    monkeypatch,
):
    story = make_article(body="<p>Word. </p>" * 80)
    wsgi = WSGI()
    plain = wsgi.get(story.get_absolute_url())
    # The compressed body was made when the page was kept: a hit makes none.
    monkeypatch.setattr(gzip, "compress", None)
    packed = wsgi.get(story.get_absolute_url(), accept_encoding="gzip")
    assert packed["headers"]["X-Page-Cache"] == "hit"
    assert packed["headers"]["Content-Encoding"] == "gzip"
    assert packed["headers"]["Content-Length"] == str(len(packed["body"]))
    assert gzip.decompress(packed["body"]) == plain["body"]

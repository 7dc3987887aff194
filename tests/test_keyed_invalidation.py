"""Keyed invalidation: a change ages only the pages that show what changed,
and the edge in front is told which keys to purge, after the commit."""

import http.server
import logging
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Tag
from articles.serving import dependencies, edge
from articles.serving.invalidation import CLOCK_KEY, purge_keys
from articles.serving.pages import RENDER_LOCK_SUFFIX, page_key
from tests.helpers import (
    make_article,
    make_author,
    make_image,
    make_scheduled,
    make_section,
    page_text,
)

pytestmark = pytest.mark.django_db


def status(client, url):
    """The page cache's answer for `url`: hit, miss or stale."""
    return client.get(url)["X-Page-Cache"]


def warm(client, *urls):
    for url in urls:
        client.get(url)
        assert status(client, url) == "hit", url


@pytest.fixture
def newsroom():
    """Two sections, two tags, two authors; an old story and a recent one in
    each section, none sharing a tag across sections."""
    politics, culture = make_section(name="Politics"), make_section(name="Culture")
    leyla, arif = make_author(name="Leyla"), make_author(name="Arif")
    now = timezone.now()
    old = make_article(
        headline="Old politics story",
        section=politics,
        authors=[leyla],
        tags=["elections"],
        published_at=now - timedelta(days=2000),
        lead_image=make_image(),
    )
    recent = make_article(
        headline="Recent politics story",
        section=politics,
        authors=[leyla],
        tags=["elections"],
        published_at=now - timedelta(hours=1),
    )
    other = make_article(
        headline="Theatre reopens",
        section=culture,
        authors=[arif],
        tags=["theatre"],
        published_at=now - timedelta(hours=2),
    )
    return {
        "politics": politics,
        "culture": culture,
        "leyla": leyla,
        "arif": arif,
        "old": old,
        "recent": recent,
        "other": other,
        "elections": Tag.objects.get(slug="elections"),
        "theatre": Tag.objects.get(slug="theatre"),
    }


def test_a_typo_fixed_in_one_story_ages_only_the_pages_that_show_it(
    client, newsroom, settings
):
    settings.NEWSROOM_PAGE_SIZE = 1  # the old story is on page 2 of its lists
    old, recent, other = newsroom["old"], newsroom["recent"], newsroom["other"]
    politics = newsroom["politics"].get_absolute_url()
    elections = newsroom["elections"].get_absolute_url()
    pages = [
        old.get_absolute_url(),
        recent.get_absolute_url(),  # its related block links the old story
        other.get_absolute_url(),
        "/",
        politics,
        politics + "?page=2",
        elections,
        newsroom["culture"].get_absolute_url(),
        reverse("articles:feed"),
    ]
    warm(client, *pages)

    old.standfirst = "A typo, fixed."
    old.save()

    assert status(client, old.get_absolute_url()) == "miss"
    assert "A typo, fixed." in page_text(client.get(old.get_absolute_url()))
    assert status(client, politics + "?page=2") == "miss"  # shows its card
    assert status(client, "/") == "miss"  # lists every story of this small site
    # Not shown there: the first page of its section, its tag, the other section.
    assert status(client, politics) == "hit"
    assert status(client, other.get_absolute_url()) == "hit"
    assert status(client, newsroom["culture"].get_absolute_url()) == "hit"
    assert status(client, reverse("articles:feed")) == "miss"  # feeds carry it


def test_a_headline_change_ages_the_related_blocks_that_link_the_story(
    client, newsroom
):
    recent = newsroom["recent"].get_absolute_url()
    other = newsroom["other"].get_absolute_url()
    warm(client, recent, other)
    newsroom["old"].headline = "Old politics story, retitled"
    newsroom["old"].save()
    assert status(client, recent) == "miss"
    assert "retitled" in page_text(client.get(recent))
    assert status(client, other) == "hit"


def test_a_new_story_ages_every_list_it_enters_and_no_other(client, newsroom):
    culture, theatre = newsroom["culture"], newsroom["theatre"]
    entered = [
        "/",
        newsroom["politics"].get_absolute_url(),
        newsroom["elections"].get_absolute_url(),
        newsroom["leyla"].get_absolute_url(),
        reverse("articles:feed"),
        reverse("articles:section-feed", args=[newsroom["politics"].slug]),
        reverse("articles:api-articles"),
        # Its month's sitemap part: tests/test_sitemaps.py.
    ]
    untouched = [
        # Shares the new story's tag: its related block takes it in when the
        # block runs out (views.RELATED_SECONDS), not with every story published.
        newsroom["old"].get_absolute_url(),
        culture.get_absolute_url(),
        theatre.get_absolute_url(),
        newsroom["arif"].get_absolute_url(),
        newsroom["other"].get_absolute_url(),
    ]
    warm(client, *entered, *untouched)

    story = make_article(
        headline="Breaking: parliament dissolved",
        slug="parliament-dissolved",
        section=newsroom["politics"],
        authors=[newsroom["leyla"]],
        tags=["elections"],
    )

    for url in entered:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert story.slug in response.content.decode(), url
    for url in untouched:
        assert status(client, url) == "hit", url


def test_a_draft_saved_ages_nothing_readers_see(client, newsroom):
    pages = ["/", newsroom["politics"].get_absolute_url()]
    warm(client, *pages)
    draft = make_article(status=Article.Status.DRAFT, section=newsroom["politics"])
    draft.headline = "Still a draft"
    draft.save()
    for url in pages:
        assert status(client, url) == "hit"


def test_a_story_moved_to_another_section_leaves_the_old_list(client, newsroom):
    politics = newsroom["politics"].get_absolute_url()
    culture = newsroom["culture"].get_absolute_url()
    warm(client, politics, culture)
    story = newsroom["recent"]
    story.section = newsroom["culture"]
    story.save()
    assert "Recent politics story" not in page_text(client.get(politics))
    assert "Recent politics story" in page_text(client.get(culture))


def schedule_in_a_moment(newsroom):
    """A politics story due in five seconds."""
    make_article(
        headline="Due in a moment",
        section=newsroom["politics"],
        published_at=timezone.now() + timedelta(seconds=5),
    )


def a_moment_later(monkeypatch):
    """Six seconds on, for the app and for the cache's own clock, which keeps
    its pages (a day on, it would have let them all expire)."""
    later = timezone.now() + timedelta(seconds=6)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(time, "time", later.timestamp)


def test_a_scheduled_story_coming_out_ages_only_its_lists(
    client, newsroom, monkeypatch
):
    schedule_in_a_moment(newsroom)
    home, culture = "/", newsroom["culture"].get_absolute_url()
    warm(client, home, culture)
    a_moment_later(monkeypatch)
    response = client.get(home)
    assert response["X-Page-Cache"] == "miss"
    assert "Due in a moment" in page_text(response)
    assert status(client, culture) == "hit"


def test_scheduling_a_story_sooner_tells_the_clock(client, newsroom, monkeypatch):
    client.get("/")  # the clock is set: nothing scheduled
    story = make_scheduled(headline="Moved up", section=newsroom["politics"])
    assert cache.get(CLOCK_KEY).is_due(timezone.now().timestamp())
    assert "max-age=" in client.get("/")["Cache-Control"]
    story.published_at = timezone.now() + timedelta(seconds=30)
    story.save()
    response = client.get("/")
    max_age = int(response["Cache-Control"].split("max-age=")[1].split(",")[0])
    assert max_age <= 30


def test_a_purge_during_a_render_keeps_that_render_out_of_the_cache(
    client, newsroom, monkeypatch
):
    url = newsroom["other"].get_absolute_url()
    from articles import views

    real = views._render_story

    def render_while_an_editor_saves(request, story, is_preview=False):
        response = real(request, story, is_preview)
        purge_keys([f"a{story.pk}"])  # committed while this page rendered
        return response

    monkeypatch.setattr(views, "_render_story", render_while_an_editor_saves)
    client.get(url)
    monkeypatch.setattr(views, "_render_story", real)
    assert status(client, url) == "miss"
    assert status(client, url) == "hit"


def test_others_get_the_old_copy_while_one_request_renders_a_purged_page(
    client, newsroom, rf
):
    url = newsroom["other"].get_absolute_url()
    warm(client, url)
    newsroom["other"].headline = "Theatre reopens at last"
    newsroom["other"].save()
    cache.set(page_key(rf.get(url)) + RENDER_LOCK_SUFFIX, 1, 5)  # being rendered
    response = client.get(url)
    assert response["X-Page-Cache"] == "stale"
    assert "Theatre reopens at last" not in page_text(response)
    assert "max-age=0" in response["Cache-Control"]  # nobody downstream keeps it
    cache.delete(page_key(rf.get(url)) + RENDER_LOCK_SUFFIX)
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Theatre reopens at last" in page_text(response)


def test_a_story_taken_down_is_never_given_out_as_an_old_copy(client, newsroom, rf):
    story = newsroom["other"]
    url = story.get_absolute_url()
    warm(client, url)
    story.status = Article.Status.DRAFT
    story.save()
    assert client.get(url).status_code == 404
    cache.set(page_key(rf.get(url)) + RENDER_LOCK_SUFFIX, 1, 5)
    assert client.get(url).status_code == 404


def test_site_wide_invalidation_ages_every_page_for_any_change(
    client, newsroom, settings
):
    settings.NEWSROOM_PAGE_INVALIDATION = "site"
    other = newsroom["other"].get_absolute_url()
    warm(client, other)
    newsroom["old"].standfirst = "Elsewhere entirely."
    newsroom["old"].save()
    assert status(client, other) == "miss"


def test_a_page_showing_many_of_a_kind_depends_on_the_kind():
    keys = {f"a{n}" for n in range(dependencies.MOST_OF_A_KIND + 1)} | {"t1", "site"}
    assert dependencies.collapsed(keys) == {"stories", "t1", "site"}
    assert dependencies.collapsed({"a1", "t1"}) == {"a1", "t1"}


# The edge: surrogate keys in a header, purges sent after the commit.


def test_pages_carry_their_keys_for_the_edge_when_asked(client, newsroom, settings):
    url = newsroom["old"].get_absolute_url()
    assert "xkey" not in client.get(url)  # none by default
    settings.NEWSROOM_SURROGATE_HEADER = "xkey"
    cache.clear()
    keys = set(client.get(url)["xkey"].split(" "))
    old = newsroom["old"]
    expected = {
        "site",
        f"a{old.pk}",
        f"a{newsroom['recent'].pk}",  # in its related block
        f"t{newsroom['elections'].pk}",
        f"p{newsroom['leyla'].pk}",
        f"i{old.lead_image_id}",
        f"o{old.outlet_id}",
    }
    assert expected <= keys
    assert f"a{newsroom['other'].pk}" not in keys
    hit = client.get(url)
    assert hit["X-Page-Cache"] == "hit"
    assert set(hit["xkey"].split(" ")) == keys


def test_cloudflare_reads_the_keys_separated_by_commas(client, newsroom, settings):
    settings.NEWSROOM_SURROGATE_HEADER = "Cache-Tag"
    tags = client.get(newsroom["old"].get_absolute_url())["Cache-Tag"]
    assert "," in tags and " " not in tags


class PurgeTarget:
    """A stand-in for Varnish: records the keys of each PURGE it is sent."""

    def __init__(self):
        self.purges = []
        target = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PURGE(self):
                target.purges.append(self.headers["xkey-purge"].split(" "))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def purge_target(settings):
    target = PurgeTarget()
    settings.NEWSROOM_PURGE_URL = target.url
    yield target
    target.close()


@contextmanager
def committed(capture):
    """Run the block as a transaction that commits, then wait for the purges."""
    with capture(execute=True):
        yield
    edge.purges().flush()


def test_the_edge_is_told_after_the_commit_and_not_before(
    newsroom, purge_target, django_capture_on_commit_callbacks
):
    story = newsroom["other"]
    with committed(django_capture_on_commit_callbacks):
        story.headline = "Theatre reopens at last"
        story.save()
        assert purge_target.purges == []  # nothing until the commit
    assert len(purge_target.purges) == 1
    assert f"a{story.pk}" in purge_target.purges[0]


def test_a_change_rolled_back_tells_the_edge_nothing(newsroom, purge_target):
    story = newsroom["other"]
    with transaction.atomic():
        story.headline = "Never saved"
        story.save()
        transaction.set_rollback(True)
    edge.purges().flush()
    assert purge_target.purges == []


def test_a_tag_renamed_on_thousands_of_stories_is_one_purge_of_one_key(
    newsroom, purge_target, django_capture_on_commit_callbacks
):
    tag = newsroom["elections"]
    for n in range(200):
        make_article(headline=f"Election story {n}", tags=[tag])
    with committed(django_capture_on_commit_callbacks):
        tag.name = "Elections 2026"
        tag.save()
    assert purge_target.purges == [sorted({f"t{tag.pk}", "tags"})]


def test_saves_succeed_and_the_outage_is_logged_once_while_the_edge_is_down(
    newsroom, settings, caplog, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_PURGE_URL = "http://127.0.0.1:9/"  # nothing listens there
    story = newsroom["other"]
    with caplog.at_level(logging.WARNING, logger="articles.serving.edge"):
        for n in range(3):
            with committed(django_capture_on_commit_callbacks):
                story.headline = f"Edit {n}"
                story.save()
    assert Article.objects.get(pk=story.pk).headline == "Edit 2"
    failures = [r for r in caplog.records if "failed" in r.getMessage()]
    assert len(failures) == 1


def test_the_outage_ends_with_a_line_in_the_log(caplog):
    class Flaky(edge.Purger):
        calls = 0

        def purge(self, keys):
            Flaky.calls += 1
            if Flaky.calls <= 2:
                raise edge.PurgeFailed("connection refused")

    sender = edge.Purges(Flaky("http://edge.example/"))
    with caplog.at_level(logging.WARNING, logger="articles.serving.edge"):
        for n in range(4):
            sender.submit([f"a{n}"])
            sender.flush()
    messages = [record.getMessage() for record in caplog.records]
    assert sum("failed" in message for message in messages) == 1
    assert sum("answers purges again" in message for message in messages) == 1
    assert Flaky.calls == 4


def test_a_bad_surrogate_header_setting_is_refused(client, newsroom, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.NEWSROOM_SURROGATE_HEADER = "X-Keys"
    with pytest.raises(ImproperlyConfigured):
        edge.surrogate_header()


# Parts of pages kept on their own (serving.fragments).


def related_queries(queries):
    return [q for q in queries if "shared_tags" in q["sql"]]


def test_a_changed_story_takes_its_unchanged_related_block_from_the_cache(
    client, newsroom
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    recent = newsroom["recent"]
    client.get(recent.get_absolute_url())
    recent.standfirst = "Updated at noon."
    recent.save()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(recent.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "Updated at noon." in page_text(response)
    assert "Old politics story" in page_text(response)  # the related block
    assert related_queries(queries.captured_queries) == []


def test_staff_pages_render_every_part(editor_client, newsroom):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = newsroom["recent"].get_absolute_url()
    editor_client.get(url)
    with CaptureQueriesContext(connection) as queries:
        editor_client.get(url)
    assert len(related_queries(queries.captured_queries)) == 1


def test_a_tag_deleted_from_many_stories_is_one_purge_not_one_a_story(
    client, newsroom, django_assert_max_num_queries
):
    tag = newsroom["elections"]
    for n in range(40):
        make_article(headline=f"Election story {n}", tags=[tag])
    url = newsroom["recent"].get_absolute_url()
    warm(client, url)
    with django_assert_max_num_queries(150):  # search documents: one per story
        tag.delete()
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "elections" not in page_text(response).lower()


def test_an_edge_that_is_purged_may_keep_pages_longer_than_browsers(
    client, newsroom, settings, purge_target
):
    url = newsroom["other"].get_absolute_url()
    settings.NEWSROOM_EDGE_MAX_AGE = 3600
    for response in (client.get(url), client.get(url)):  # a miss, then a hit
        assert response["Surrogate-Control"] == "max-age=3600"
        assert "max-age=60," in response["Cache-Control"]  # browsers: as before
    settings.NEWSROOM_PURGE_URL = ""
    assert "Surrogate-Control" not in client.get(url)


def test_the_edge_keeps_no_page_past_the_next_scheduled_story(
    client, newsroom, purge_target
):
    make_article(published_at=timezone.now() + timedelta(seconds=20))
    seconds = int(client.get("/")["Surrogate-Control"].split("max-age=")[1])
    assert 0 <= seconds <= 20


def test_the_health_check_keeps_the_clock_for_an_edge_that_answers_everyone(
    client, newsroom, monkeypatch
):
    from articles.serving.invalidation import version_key

    schedule_in_a_moment(newsroom)
    client.get(reverse("healthz"))  # the clock is set
    before = cache.get(version_key("latest"))
    a_moment_later(monkeypatch)
    client.get(reverse("healthz"))  # Varnish's probe, no reader
    assert cache.get(version_key("latest")) != before


def test_a_related_block_takes_in_a_new_story_when_it_runs_out(client, newsroom):
    from articles import views

    url = newsroom["old"].get_absolute_url()
    warm(client, url)
    make_article(
        headline="A new election story",
        section=newsroom["politics"],
        tags=["elections"],
    )
    assert "A new election story" not in page_text(client.get(url))
    cache.clear()  # the page and its related block ran out
    assert "A new election story" in page_text(client.get(url))
    assert views.RELATED_SECONDS <= 600


def test_running_prompts_kept_by_a_worker_age_with_the_prompts_key(db):
    """Another worker's prompt change reaches this one as a purge of the
    prompts' key (the purge log, or Redis); its kept list is not deleted here."""
    from articles.prompts import choice
    from tests.helpers import make_prompt

    make_prompt(heading="First appeal")
    assert [c.prompt.heading for c in choice.active_candidates()] == ["First appeal"]
    kept = cache.get(choice.CACHE_KEY)
    make_prompt(heading="Second appeal")
    cache.set(choice.CACHE_KEY, kept)  # as if the change happened elsewhere
    purge_keys([dependencies.PROMPTS])
    headings = {c.prompt.heading for c in choice.active_candidates()}
    assert headings == {"First appeal", "Second appeal"}

"""The story list's search: every word through the stories' search documents
(headline, standfirst, body, tags and embeds; on PostgreSQL by their GIN
index, never a LIKE over the bodies), or a story's address, link or number."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from tests.admin_helpers import admin_url, as_user, make_staff
from tests.helpers import make_article, make_draft, make_embed, make_scheduled

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_in(client):
    return as_user(client, make_staff("Editor"))


def found(client, typed):
    response = client.get(admin_url(Article), {"q": typed})
    assert response.status_code == 200
    return {story.headline for story in response.context["cl"].result_list}


def test_it_finds_a_story_by_a_word_only_its_body_holds(editor_in):
    make_draft(
        headline="Council meets",
        body="<p>The minister of ecology spoke about the Sevan basin.</p>",
    )
    make_scheduled(headline="Tomorrow", body="<p>Թbilisi and Ереван.</p>")
    make_article(headline="Another story")
    assert found(editor_in, "Sevan") == {"Council meets"}
    assert found(editor_in, "sevan basin") == {"Council meets"}
    assert found(editor_in, "ереван") == {"Tomorrow"}
    assert found(editor_in, "Sevan Ереван") == set()


def test_it_still_finds_headlines_standfirsts_and_addresses(editor_in):
    make_article(headline="Протест в Баку", slug="protest-v-baku")
    make_article(headline="Elsewhere", standfirst="Farmers in Kakheti count losses.")
    assert found(editor_in, "Баку") == {"Протест в Баку"}
    assert found(editor_in, "protest-v-baku") == {"Протест в Баку"}
    assert found(editor_in, "kakheti") == {"Elsewhere"}


def test_it_finds_stories_by_their_tags_and_embedded_posts(editor_in):
    make_embed(slug="minister-post", text="<p>Mtkvari flooding continues.</p>")
    make_article(headline="Tagged", tags=["Hydropower"])
    make_article(headline="Embedding", body="<p>[embed:minister-post]</p>")
    assert found(editor_in, "hydropower") == {"Tagged"}
    assert found(editor_in, "mtkvari") == {"Embedding"}


def test_it_searches_within_the_chosen_filter(editor_in):
    make_draft(headline="Draft on dams", body="<p>Dams on the Enguri.</p>")
    make_article(headline="Live on dams", body="<p>Dams on the Enguri.</p>")
    response = editor_in.get(admin_url(Article), {"q": "enguri", "state": "draft"})
    assert [story.headline for story in response.context["cl"].result_list] == [
        "Draft on dams"
    ]
    assert response.context["cl"].result_count == 1


def searched(client, typed):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(Article), {"q": typed})
    assert response.status_code == 200
    return response, [query["sql"] for query in queries.captured_queries]


def headlines(response):
    return [story.headline for story in response.context["cl"].result_list]


def test_it_searches_the_documents_never_the_bodies(editor_in):
    make_draft(headline="Წყალი", body="<p>ენგურის ჰიდროელექტროსადგური</p>")
    make_article(headline="Протест в Баку", slug="protest-v-baku")
    make_article(headline="Other")
    response, queries = searched(editor_in, "ენგურის")
    assert headlines(response) == ["Წყალი"]
    assert not [sql for sql in queries if re.search(r'"body"[^,]*LIKE', sql)]
    response, _ = searched(editor_in, "баку")
    assert headlines(response) == ["Протест в Баку"]
    assert Article.objects.filter(body__contains="ენგურის").count() == 1


def test_its_queries_are_planned_with_index_scans_and_no_parallel_workers(editor_in):
    make_article(headline="Протест в Баку")
    response, queries = searched(editor_in, "баку")
    assert headlines(response) == ["Протест в Баку"]
    settings_sent = [sql for sql in queries if "set_config" in sql]
    # On PostgreSQL alone: SQLite has no planner settings, and none is sent.
    assert bool(settings_sent) == (connection.vendor == "postgresql")
    for name in ("enable_seqscan", "max_parallel_workers_per_gather"):
        assert all(name in sql for sql in settings_sent), settings_sent


def test_it_finds_a_story_by_its_address_link_or_number(editor_in):
    story = make_article(headline="Протест в Баку", slug="protest-v-baku")
    make_article(headline="Other", slug="other", body="<p>Nothing here.</p>")
    for typed in ("protest-v-baku", "https://example.org/2024/protest-v-baku/"):
        response, _ = searched(editor_in, typed)
        assert headlines(response) == ["Протест в Баку"], typed
    response, _ = searched(editor_in, str(story.pk))
    assert headlines(response) == ["Протест в Баку"]


def test_its_box_has_a_visible_label_and_counts_what_it_found(editor_in):
    make_article(headline="Протест в Баку")
    make_article(headline="Elsewhere")
    response = editor_in.get(admin_url(Article), {"q": "Баку"})
    page = response.content.decode()
    label = re.search(r'<label for="searchbar">(.*?)</label>', page, re.S).group(1)
    # Words a sighted editor reads, not only an icon's alternative text.
    assert re.sub(r"<[^>]+>", "", label).strip() == "Search stories"
    assert 'aria-describedby="searchbar_helptext"' in page
    assert re.search(r"1 result\s*\(", page)
    # The whole list says nothing of results: its pages count it below.
    whole = editor_in.get(admin_url(Article)).content.decode()
    assert not re.search(r"\d results?\s*\(", whole)
    narrowed = editor_in.get(admin_url(Article), {"state": "live"})
    assert re.search(r"2 results\s*\(", narrowed.content.decode())

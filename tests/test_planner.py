"""articles.planner: PostgreSQL's planner settings for a block of queries, put
back as they were when it ends or fails; nothing elsewhere."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.planner import planner_settings
from tests.helpers import make_article

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"


def shown(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


def test_it_holds_within_the_block_and_is_put_back_after_it():
    if not POSTGRESQL:
        # SQLite has no planner settings: the block runs, nothing is sent.
        with (
            CaptureQueriesContext(connection) as captured,
            planner_settings("default", enable_seqscan="off"),
        ):
            make_article(headline="Rally")
        assert not [q for q in captured.captured_queries if "set_config" in q["sql"]]
        return
    before = shown("max_parallel_workers_per_gather")
    with planner_settings("default", max_parallel_workers_per_gather="0"):
        assert shown("max_parallel_workers_per_gather") == "0"
        with planner_settings("default", enable_seqscan="off"):
            assert shown("enable_seqscan") == "off"
            assert shown("max_parallel_workers_per_gather") == "0"
        assert shown("enable_seqscan") == "on"
    assert shown("max_parallel_workers_per_gather") == before
    # A block that fails leaves nothing behind either.
    with (
        pytest.raises(ZeroDivisionError),
        planner_settings("default", enable_seqscan="off"),
    ):
        assert shown("enable_seqscan") == "off"
        1 / 0  # noqa: B018
    assert shown("enable_seqscan") == "on"


@pytest.mark.parametrize(
    "path, named",
    [
        # A listing: no parallel workers (articles.planner.serial).
        ("/tag/baku/", ("max_parallel_workers_per_gather",)),
        # A search: index scans, and no parallel workers either.
        ("/search/?q=rally", ("enable_seqscan", "max_parallel_workers_per_gather")),
    ],
    ids=["tag", "search"],
)
def test_its_pages_are_planned_as_their_block_says(client, settings, path, named):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    make_article(headline="Rally in Baku", tags=["baku"])
    before = [shown(name) for name in named] if POSTGRESQL else None
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200 and b"Rally in Baku" in response.content
    set_first = [
        q["sql"] for q in captured.captured_queries if "set_config" in q["sql"]
    ]
    # On PostgreSQL alone; SQLite has no such setting, and nothing is sent.
    assert bool(set_first) == POSTGRESQL
    if POSTGRESQL:
        assert all(name in set_first[0] for name in named), set_first[0]
        # Within the test's transaction, they are put back when it ends.
        assert [shown(name) for name in named] == before

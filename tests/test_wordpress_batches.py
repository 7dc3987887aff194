"""Stories written a batch at a time: what a save would have given them (search
documents, dated tags and bylines, sitemap months), slugs numbered past those
taken, and a number of queries that does not grow with each story."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Byline, SearchDocument, SitemapMonth, TaggedArticle
from articles.wordpress import batches
from articles.wordpress.models import ImportedItem, OldAddress
from tests.helpers import make_article
from tests.wordpress_helpers import counts, make_export, run_import, story

pytestmark = pytest.mark.django_db


def test_it_gives_new_stories_what_a_save_would(client):
    run_import()
    posts = ImportedItem.objects.filter(kind="post")
    imported = Article.objects.filter(pk__in=posts.values("article"))
    assert imported.count() == 7
    assert SearchDocument.objects.filter(article__in=imported).count() == 7
    for found in imported:
        live_time = found.published_at if found.status == "published" else None
        assert set(
            TaggedArticle.objects.filter(content_object=found).values_list(
                "published_at", flat=True
            )
        ) <= {live_time}
        assert set(
            Byline.objects.filter(article=found).values_list("published_at", flat=True)
        ) == {live_time}
    march = SitemapMonth.objects.get(language="en", month=date(2022, 3, 1))
    assert march.stories >= 1
    rally = story(200)
    response = client.get("/search/", {"q": "Hundreds gathered outside"})
    assert rally.headline in response.content.decode()
    tag = rally.tags.get(name="Baku")
    assert rally.headline in client.get(tag.get_absolute_url()).content.decode()
    author = rally.byline_authors[0]
    assert rally.headline in client.get(author.get_absolute_url()).content.decode()


def test_it_writes_the_same_in_batches_of_any_size(monkeypatch):
    monkeypatch.setattr(batches, "SIZE", 2)
    out, _err = run_import()
    assert "Stories: 7 created, 0 updated, 0 unchanged, 1 skipped" in out
    assert story(200).slug == "baku-rallies-in-support-of-ukraine-photo-report"
    assert story(200).updated_at == datetime(2022, 3, 8, 10, 0, tzinfo=UTC)
    before = counts()
    out, _err = run_import()
    assert "Stories: 0 created, 0 updated, 7 unchanged" in out
    assert counts() == before


def test_it_numbers_slugs_taken_here_or_earlier_in_the_batch(tmp_path):
    make_article(slug="baku")
    export = make_export(
        tmp_path,
        [
            (1, "miting", "Митинг"),
            (2, "%d0%bc%d0%b8%d1%82%d0%b8%d0%bd%d0%b3", "Митинг в Баку"),
            (3, "baku", "Баку"),
            (4, "", "Miting", "draft"),
        ],
    )
    run_import(path=export)
    slugs = {wp_id: story(wp_id).slug for wp_id in (1, 2, 3, 4)}
    assert slugs == {1: "miting", 2: "miting-2", 3: "baku-2", 4: "miting-3"}
    assert OldAddress.objects.filter(path="/митинг").exists()


def test_it_imports_a_post_given_twice_once(tmp_path):
    export = make_export(tmp_path, [(1, "baku", "Баку"), (1, "baku", "Баку")])
    out, _err = run_import(path=export)
    assert "Stories: 1 created" in out
    assert "in the export twice: imported once" in out
    assert ImportedItem.objects.filter(kind="post").count() == 1
    assert Article.objects.count() == 1


def test_it_writes_stories_in_a_few_queries_each_batch(tmp_path):
    def queries(site, posts):
        export = make_export(
            tmp_path,
            [(n, f"post-{n}", f"Пост {n}") for n in range(1, posts + 1)],
            site=site,
        )
        with CaptureQueriesContext(connection) as captured:
            run_import(path=export)
        return len(captured)

    few = queries("https://one.example", 10)
    many = queries("https://two.example", 60)
    assert Article.objects.count() == 70
    # A story saved one by one took about fifty; a batch takes a few in all.
    print("QUERIES", few, many)
    assert many - few < 50

"""generate_articles: a realistic archive for load tests, made quickly and safely."""

import io

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Byline, SearchDocument

pytestmark = pytest.mark.django_db


def generate(count):
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_articles", count, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_generates_published_stories_with_a_few_drafts(client):
    out, err = generate(120)
    assert "Created 120 stories" in out
    assert "120/120 stories" in err
    assert Article.objects.count() == 120
    assert Article.objects.filter(status="draft").count() == 2
    assert Article.objects.published().count() == 118
    story = Article.objects.published().first()
    assert story.tags.count() == 3
    assert Byline.objects.filter(article=story).count() == 2
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
    assert [s.pk for s in found] == [story.pk]
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

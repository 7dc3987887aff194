"""The story list at the archive's scale: a cost that does not grow with the
archive (no count of the whole table, a constant number of queries), filters
that never list every tag or author, date links from two reads, and
autocomplete wherever a form picks from a table that may hold thousands."""

import re
from datetime import UTC, datetime

import pytest
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteMixin, ForeignKeyRawIdWidget
from django.contrib.auth.models import User
from django.db import connection
from django.forms import ModelChoiceField
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from articles.admin import listing
from articles.admin.chooser import PictureChooserWidget
from articles.models import Article, Author, Embed, Image, Tag
from tests.admin_helpers import admin_url, as_user, make_staff
from tests.helpers import (
    make_article,
    make_author,
    make_draft,
    make_image,
    make_section,
)

pytestmark = pytest.mark.django_db

# Tables that grow with the archive: no form lists their rows in a drop-down.
LARGE = {Article, Author, Tag, Image, Embed, User}


@pytest.fixture
def editor_in(client):
    return as_user(client, make_staff("Editor"))


def list_queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(Article), params)
    assert response.status_code == 200
    return response, [query["sql"] for query in queries.captured_queries]


def make_stories(count, image=None):
    section = make_section()
    for n in range(count):
        make_article(
            section=section,
            lead_image=image,
            authors=[make_author(name=f"Ნინო {n}")],
            tags=[f"Тег {n}", "Батуми"],
        )


def shown(response):
    return [story.headline for story in response.context["cl"].result_list]


def test_it_lists_stories_in_the_same_number_of_queries_as_the_archive_grows(
    editor_in,
):
    image = make_image()
    make_stories(3, image)
    response, few = list_queries(editor_in)
    assert len(shown(response)) == 3
    make_stories(40, image)
    response, many = list_queries(editor_in)
    assert len(shown(response)) == Article.objects.count() == 43
    assert len(many) == len(few)


def test_it_never_counts_the_whole_table(editor_in):
    make_stories(5)
    for params in ({}, {"state": "live"}, {"q": "Батуми"}, {"tag": "батуми"}):
        response, queries = list_queries(editor_in, **params)
        counts = [sql for sql in queries if "COUNT(*)" in sql.upper()]
        assert counts, params
        # Every count stops at COUNTED stories: none reads the whole table.
        assert all(f"LIMIT {listing.COUNTED + 1}" in sql for sql in counts), counts
        assert response.context["cl"].full_result_count is None


def test_it_estimates_past_the_counted_stories(editor_in, monkeypatch):
    monkeypatch.setattr(listing, "COUNTED", 2)
    make_stories(5)
    response, queries = list_queries(editor_in)
    paginator = response.context["cl"].paginator
    if connection.vendor == "postgresql":
        # The planner's figure, from statistics: at least what was counted.
        assert paginator.is_estimate
        assert paginator.count >= 3
        assert "about" in response.content.decode()
    else:
        assert not paginator.is_estimate
        assert paginator.count == 5
    assert len(shown(response)) == Article.objects.count() == 5


def test_it_offers_the_most_used_tags_and_a_box_not_every_tag(editor_in):
    section = make_section()
    for n in range(300):
        Tag.objects.create(name=f"Тема {n}", slug=f"tema-{n}")
    make_article(section=section, tags=["Батуми", "Тема 7"])
    make_article(section=section, tags=["Батуми"])
    response, _ = list_queries(editor_in)
    page = response.content.decode()
    assert Tag.objects.count() == 300 + 1
    assert page.count("?tag=") <= listing.MOST_USED
    assert "?tag=batumi" in page and 'name="tag"' in page
    assert "Тема 250" not in page
    assert len(page) < 120_000


def test_it_filters_by_a_typed_tag_or_author_in_any_script(editor_in):
    nino = make_author(name="ნინო ბერიძე")
    make_article(headline="Георгий", tags=["Тбилиси"], authors=[nino])
    make_article(headline="Другое", tags=["Баку"])
    make_draft(headline="Черновик", tags=["Тбилиси"])
    response, _ = list_queries(editor_in, tag="тбилиси")
    assert set(shown(response)) == {"Георгий", "Черновик"}
    response, _ = list_queries(editor_in, tag="тбилиси", state="draft")
    assert shown(response) == ["Черновик"]
    assert 'value="draft"' in response.content.decode()  # kept by the box's form
    response, _ = list_queries(editor_in, author="ნინო ბერიძე")
    assert shown(response) == ["Георгий"]
    response, _ = list_queries(editor_in, tag="nowhere\x00")
    assert shown(response) == []
    assert Article.objects.count() == 3


def test_it_still_takes_links_to_a_tag_by_number(editor_in):
    story = make_article(tags=["Батуми"])
    make_article(headline="Untagged")
    tag = Tag.objects.get(name="Батуми")
    response, _ = list_queries(editor_in, tags__id__exact=tag.pk)
    assert shown(response) == [story.headline]


def test_it_links_every_year_from_two_reads_of_the_dates(editor_in):
    make_article(published_at=datetime(2019, 5, 1, 12, tzinfo=UTC))
    make_article(published_at=datetime(2022, 3, 1, 12, tzinfo=UTC))
    response, queries = list_queries(editor_in)
    page = response.content.decode()
    for year in (2019, 2020, 2021, 2022):
        assert f"published_at__year={year}" in page
    assert not [sql for sql in queries if "DISTINCT" in sql and "published_at" in sql]
    response, _ = list_queries(editor_in, published_at__year=2022)
    assert "published_at__month=12" in response.content.decode()
    assert len(shown(response)) == 1
    response, _ = list_queries(
        editor_in, published_at__year=2022, published_at__month=3
    )
    assert "published_at__day=31" in response.content.decode()
    assert (
        len(shown(response)) == Article.objects.filter(published_at__year=2022).count()
    )


def _relation_widgets(model_admin, request):
    """(admin, field name, widget) of every row-picking field of the admin's
    forms and its inlines' forms."""
    forms = [(model_admin, model_admin.get_form(request), None)]
    for inline in model_admin.get_inline_instances(request):
        formset = inline.get_formset(request)
        forms.append((inline, formset.form, formset.fk.name))
    for each, form, parent in forms:
        for name, field in form.base_fields.items():
            # An inline's own story is the page's, never picked.
            if isinstance(field, ModelChoiceField) and name != parent:
                yield each, name, field, getattr(field.widget, "widget", field.widget)


def test_it_picks_rows_of_large_tables_by_typing_in_every_form():
    superuser = User.objects.create_superuser("boss", password="pw")
    request = RequestFactory().get("/admin/")
    request.user = superuser
    checked = []
    for model_admin in admin.site._registry.values():
        if not (
            model_admin.has_add_permission(request)
            or model_admin.has_change_permission(request)
        ):
            continue  # read-only: no form picks anything
        for owner, name, field, widget in _relation_widgets(model_admin, request):
            if field.queryset.model not in LARGE:
                continue
            checked.append(f"{type(owner).__name__}.{name}")
            assert isinstance(
                widget, AutocompleteMixin | ForeignKeyRawIdWidget | PictureChooserWidget
            ), f"{type(owner).__name__}.{name} lists every row: {type(widget)}"
    assert {
        "ArticleAdmin.translation_of",
        "ArticleAdmin.lead_image",
        "BylineInline.author",
        "MembershipPromptAdmin.tags",
        "AuthorAdmin.photo",
    } <= set(checked)


def test_the_story_form_offers_autocomplete_boxes(editor_in):
    page = editor_in.get(admin_url(Article, "add")).content.decode()
    for name in ("section", "outlet", "translation_of"):
        assert re.search(rf'<select name="{name}"[^>]*admin-autocomplete', page), name

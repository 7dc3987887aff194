"""Tags on the story form: shown as names, suggested from the tags in use as the
editor types, and saved as taggit reads them."""

import json
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from taggit.utils import edit_string_for_tags, parse_tags

from articles.admin.site import SUGGESTIONS
from articles.models import Article, Tag
from tests.admin_helpers import admin_url, as_user, form_data, make_staff
from tests.helpers import house_outlet, make_draft, make_section

pytestmark = pytest.mark.django_db

SUGGEST = reverse("admin:articles_tag_suggest")
AWKWARD = ["Азербайджан", "Baku, Azerbaijan", "O'Brien", "human rights"]


@pytest.fixture
def reporter():
    return make_staff("Reporter")


def suggested(client, typed):
    response = client.get(SUGGEST, {"q": typed})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.json()["results"]


def make_tags(*names):
    for name in names:
        Tag.objects.create(name=name)


def test_it_suggests_tags_starting_with_the_typed_text_first(client, reporter):
    make_tags("Old Baku", "Bakuriani", "Baku", "Baku, Azerbaijan", "Tbilisi")
    as_user(client, reporter)
    assert suggested(client, "baku") == [
        "Baku",
        "Baku, Azerbaijan",
        "Bakuriani",
        "Old Baku",
    ]
    assert suggested(client, "  BAKU,  azer ") == ["Baku, Azerbaijan"]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("азер", ["Азербайджан"]),
        ("АЗЕРБ", ["Азербайджан"]),
        ("бай", ["Азербайджан"]),
        ("საქ", ["საქართველო"]),
        ("հայ", ["Հայաստան"]),
        ("bakı", ["Bakı"]),
        ("o'b", ["O'Brien"]),
    ],
)
def test_it_suggests_tags_in_any_script_whatever_the_case(
    client, reporter, typed, found
):
    make_tags("Азербайджан", "საქართველო", "Հայաստան", "Bakı", "O'Brien", "Грузия")
    assert suggested(as_user(client, reporter), typed) == found


def test_it_suggests_a_few_tags_at_a_time(client, reporter):
    make_tags(*(f"Election {year}" for year in range(2000, 2030)))
    names = suggested(as_user(client, reporter), "election")
    assert len(names) == SUGGESTIONS
    assert names == sorted(names)


def test_it_suggests_nothing_for_nothing_and_reads_only_so_much(client, reporter):
    make_tags("Baku")
    as_user(client, reporter)
    assert suggested(client, "") == []
    assert suggested(client, "   ") == []
    assert suggested(client, "b" * 10_000) == []
    assert suggested(client, "\x00") == []
    assert suggested(client, "ba\x00ku") == []
    assert suggested(client, "\u200bbaku") == ["Baku"]


def test_it_gives_suggestions_only_to_staff_who_may_see_tags(client):
    make_tags("Baku")
    assert client.get(SUGGEST, {"q": "b"}).status_code == 302  # to the sign-in
    nobody = User.objects.create_user("nobody", password="pw", is_staff=True)
    assert as_user(client, nobody).get(SUGGEST, {"q": "b"}).status_code == 403


def test_it_shows_a_storys_tags_as_names(client, reporter):
    story = make_draft(created_by=reporter, tags=AWKWARD)
    page = as_user(client, reporter).get(admin_url(Article, "change", story.pk))
    field = page.context["adminform"].form["tags"]
    html = str(field)
    assert json.loads(unescape(html.split('data-tags="')[1].split('"')[0])) == sorted(
        AWKWARD
    )
    assert f'data-suggest-url="{SUGGEST}"' in html


def test_it_keeps_tags_with_commas_quotes_and_any_script_through_a_save(
    client, reporter
):
    story = make_draft(created_by=reporter, tags=AWKWARD)
    as_user(client, reporter)
    page = client.get(admin_url(Article, "change", story.pk))
    response = client.post(
        admin_url(Article, "change", story.pk), form_data(page, "article_form")
    )
    assert response.status_code == 302
    assert sorted(story.tags.names()) == sorted(AWKWARD)


def test_it_saves_the_tags_as_the_tag_picker_sends_them(client, reporter):
    # admin-tags.js quotes a name holding a comma or a space, as taggit does.
    sent = '"Baku, Azerbaijan", O\'Brien, "human rights", Азербайджан'
    assert sorted(parse_tags(sent)) == sorted(AWKWARD)
    as_user(client, reporter)
    page = client.get(admin_url(Article, "add"))
    data = form_data(
        page,
        "article_form",
        headline="Tags from the picker",
        section=make_section().pk,
        outlet=house_outlet().pk,
        tags=sent,
    )
    assert client.post(admin_url(Article, "add"), data).status_code == 302
    story = Article.objects.get(headline="Tags from the picker")
    assert sorted(story.tags.names()) == sorted(AWKWARD)
    assert parse_tags(edit_string_for_tags(story.tags.all())) == sorted(AWKWARD)


@pytest.mark.parametrize(
    ("in_use", "typed"),
    [
        ("Баку", "баку"),
        ("Ереван", "ЕРЕВАН"),
        ("Gəncə", "gƏncƏ"),
        ("ბათუმი", "ᲑᲐᲗᲣᲛᲘ"),  # Georgian Mkhedruli, typed in Mtavruli capitals
        ("Գյումրի", "ԳՅՈՒՄՐԻ"),
        ("Baku", "baku"),
    ],
)
def test_a_tag_typed_in_another_case_is_the_tag_in_use_in_any_script(
    client, reporter, in_use, typed
):
    make_tags(in_use)
    story = make_draft(created_by=reporter)
    as_user(client, reporter)
    page = client.get(admin_url(Article, "change", story.pk))
    data = form_data(page, "article_form", tags=f"{typed}, Brand new")
    assert client.post(admin_url(Article, "change", story.pk), data).status_code == 302
    assert sorted(story.tags.names()) == sorted([in_use, "Brand new"])
    assert Tag.objects.filter(name__in=[in_use, typed]).count() == 1

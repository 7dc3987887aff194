"""The admin in the newsroom's words ("story", "tags", "Add another author"),
and the site's icon on every admin page."""

import json
import re
from html import unescape

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from articles.models import Article
from tests.admin_helpers import admin_url, as_user, make_staff
from tests.helpers import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_staff("Editor")


def page_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, response.content.decode()


def test_it_calls_articles_stories_and_tags_tags(client):
    make_article(tags=["Азербайджан"])
    superuser = User.objects.create_superuser("chief", "chief@example.org", "pw")
    as_user(client, superuser)
    _, home = page_of(client, reverse("admin:index"))
    assert ">Stories</a>" in home and ">Tags</a>" in home
    assert "Articles" not in home
    assert "taggit" not in home.lower()
    assert "<h2" in home and ">Newsroom</a>" in home
    _, listing = page_of(client, reverse("admin:articles_article_changelist"))
    assert "Select story to change" in listing
    assert "By tags" in listing and "By Tags" not in listing
    _, adding = page_of(client, reverse("admin:articles_article_add"))
    assert "<h1>Add story</h1>" in adding


def test_it_keeps_the_names_code_and_permissions_use(db):
    assert Article._meta.model_name == "article"
    assert reverse("admin:articles_article_changelist") == "/admin/articles/article/"
    codenames = set(
        Permission.objects.filter(content_type__app_label="articles").values_list(
            "codename", flat=True
        )
    )
    assert {"add_article", "change_article", "publish_article"} <= codenames


def test_it_offers_to_add_another_author_and_correction_in_lower_case(client, editor):
    _, page = page_of(as_user(client, editor), admin_url(Article, "add"))
    texts = [
        json.loads(unescape(found))["options"]["addText"]
        for found in re.findall(r'data-inline-formset="([^"]*)"', page)
    ]
    assert texts == ["Add another author", "Add another correction"]


def test_every_admin_page_links_the_sites_icon(client, editor):
    icon = 'rel="icon" href="/static/articles/favicon.svg"'
    assert icon in client.get(reverse("admin:login")).content.decode()
    as_user(client, editor)
    for url in (
        reverse("admin:index"),
        admin_url(Article),
        admin_url(Article, "add"),
        reverse("admin:articles_membershipprompt_changelist"),
    ):
        assert icon in client.get(url).content.decode(), url

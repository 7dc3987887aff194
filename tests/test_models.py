"""Model invariants: the database enforces them, not only forms."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, MembershipPrompt, MembershipTier, Outlet
from articles.models.membership import validate_button_url
from tests.helpers import make_article, make_draft, make_outlet, make_scheduled

pytestmark = pytest.mark.django_db


def test_published_honours_status_and_time():
    live = make_article()
    make_draft()
    make_scheduled()
    make_article(status="review")
    assert list(Article.objects.published()) == [live]


def test_only_one_outlet_can_be_ours():
    make_outlet(is_house=True)
    make_outlet(is_house=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_outlet(is_house=True)
    assert Outlet.objects.filter(is_house=True).count() == 1


def test_a_published_story_needs_a_publication_time():
    story = make_draft()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=story.pk).update(
            status="published", published_at=None
        )


def test_slugs_are_unique():
    make_article(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(slug="same")


def test_prompt_windows_end_after_they_start():
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipPrompt.objects.create(
            name="Backwards",
            placement="header",
            starts_at=now,
            ends_at=now - timedelta(days=1),
        )


def test_inline_prompts_need_a_paragraph():
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipPrompt.objects.create(name="Lost", placement="inline")


def test_tiers_cost_something():
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipTier.objects.create(
            name="Free", amount=0, checkout_url="https://x.example"
        )


@pytest.mark.parametrize(
    "value", ["/support/", "https://pay.example/x", "http://pay.example"]
)
def test_button_links_accept_paths_and_web_addresses(value):
    validate_button_url(value)


@pytest.mark.parametrize(
    "value", ["javascript:alert(1)", "//evil.example/", "support", "ftp://x.example"]
)
def test_button_links_refuse_anything_else(value):
    with pytest.raises(ValidationError):
        validate_button_url(value)


def test_preview_links_are_signed_and_expire(settings):
    story = make_draft()
    token = story.get_preview_url().split("/")[2]
    assert Article.from_preview_token(token) == story
    assert Article.from_preview_token(token + "x") is None
    assert Article.from_preview_token(token, max_age=-1) is None


def test_string_forms_and_addresses():
    story = make_article(headline="A headline", slug="a-headline")
    assert str(story) == "A headline"
    assert story.get_absolute_url() == "/story/a-headline/"
    assert story.section.get_absolute_url() == f"/section/{story.section.slug}/"
    assert story.outlet.get_absolute_url().startswith("/search/?outlet=")

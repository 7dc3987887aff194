"""The prompt admin: variants, figures, CSV exports and previews on a story."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, MembershipPrompt, PromptDailyStat
from tests.helpers import make_prompt, make_variant

OC_SLUG = "azerbaijanis-take-to-the-streets-against-russian-invasion"


def prompt_url(name, *args):
    return reverse(f"admin:articles_membershipprompt_{name}", args=args)


def add_figures(prompt, variant=None, days_ago=0, impressions=0, clicks=0):
    return PromptDailyStat.objects.create(
        prompt=prompt,
        variant=variant,
        day=timezone.localdate() - timedelta(days=days_ago),
        impressions=impressions,
        clicks=clicks,
    )


@pytest.fixture
def reporter_client(client, demo):
    client.login(username="reporter", password="demo-password-for-tests")
    return client


def test_editors_may_manage_variants(demo):
    editor = get_user_model().objects.get(username="editor")
    for action in ("add", "change", "delete", "view"):
        assert editor.has_perm(f"articles.{action}_promptvariant")
    reporter = get_user_model().objects.get(username="reporter")
    assert not reporter.has_perm("articles.add_promptvariant")


def test_the_prompt_list_shows_recent_figures(editor_client):
    prompt = MembershipPrompt.objects.get(name="Membership banner")
    add_figures(prompt, impressions=180, clicks=9)
    add_figures(prompt, days_ago=1, impressions=20, clicks=1)
    add_figures(prompt, days_ago=45, impressions=5000, clicks=5)  # outside 30 days
    page = editor_client.get(prompt_url("changelist")).content.decode()
    row = page[page.index("Membership banner") :]
    row = row[: row.index("</tr>")]
    assert ">200<" in row and ">10<" in row and "5.0%" in row
    assert prompt_url("figures", prompt.pk) in row


def test_the_figures_page_splits_by_variant_and_charts_each_day(editor_client):
    prompt = MembershipPrompt.objects.get(name="Membership banner")
    variant = prompt.variants.get()
    add_figures(prompt, impressions=100, clicks=4)
    add_figures(prompt, variant, impressions=50, clicks=5)
    add_figures(prompt, variant, days_ago=3, impressions=10, clicks=0)
    response = editor_client.get(prompt_url("figures", prompt.pk) + "?days=7")
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        '<th scope="row">Prompt\'s own text</th><td>100</td><td>4</td><td>4.0%</td>'
        in page.replace("&#x27;", "'")
    )
    assert (
        f'<th scope="row">{variant.name}</th><td>60</td><td>5</td><td>8.3%</td>' in page
    )
    chart = page[page.index('<svg class="prompt-chart"') :]
    chart = chart[: chart.index("</svg>")]
    assert chart.count("<rect") == 7
    assert f"<title>{timezone.localdate().isoformat()}: 150</title>" in chart
    assert "<script" not in page[page.index('id="content-main"') :]


def test_the_figures_page_falls_back_to_thirty_days(editor_client):
    prompt = MembershipPrompt.objects.get(name="Membership banner")
    page = editor_client.get(prompt_url("figures", prompt.pk) + "?days=abc")
    assert page.status_code == 200
    assert page.context["days"] == 30
    assert editor_client.get(prompt_url("figures", 999999)).status_code == 404


def test_it_exports_the_figures_as_csv(editor_client):
    prompt = MembershipPrompt.objects.get(name="Membership banner")
    variant = prompt.variants.get()
    add_figures(prompt, impressions=7, clicks=1)
    add_figures(prompt, variant, impressions=3, clicks=2)
    tricky = make_prompt(name="=HYPERLINK(1)")
    add_figures(tricky, impressions=1)
    response = editor_client.get(prompt_url("prompt_figures_csv", prompt.pk))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    today = timezone.localdate().isoformat()
    assert rows == [
        [
            "day",
            "prompt_id",
            "prompt",
            "variant_id",
            "variant",
            "impressions",
            "clicks",
        ],
        [today, str(prompt.pk), "Membership banner", "", "", "7", "1"],
        [
            today,
            str(prompt.pk),
            "Membership banner",
            str(variant.pk),
            variant.name,
            "3",
            "2",
        ],
    ]
    everything = editor_client.get(prompt_url("figures_csv")).content.decode()
    assert "'=HYPERLINK(1)" in everything
    assert len(everything.strip().splitlines()) == 4


def test_reporters_see_no_figures_or_previews(reporter_client):
    prompt = MembershipPrompt.objects.first()
    for url in (
        prompt_url("figures", prompt.pk),
        prompt_url("prompt_figures_csv", prompt.pk),
        prompt_url("figures_csv"),
        prompt_url("preview", prompt.pk),
    ):
        assert reporter_client.get(url).status_code == 403, url


def test_readers_are_sent_to_the_login_page(client, demo):
    prompt = MembershipPrompt.objects.first()
    response = client.get(prompt_url("preview", prompt.pk))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_preview_forces_the_prompt_into_a_chosen_story(editor_client):
    story = Article.objects.get(slug=OC_SLUG)
    prompt = make_prompt(
        placement=MembershipPrompt.Placement.INLINE,
        paragraph=2,
        heading="Not yet running",
        is_active=False,
        starts_at=timezone.now() + timedelta(days=3),
    )
    response = editor_client.get(
        prompt_url("preview", prompt.pk) + f"?story={story.pk}"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert '<div class="preview-banner" role="status">' in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "prompts.js" not in page  # no dismissal, no beacon from the preview
    assert story.headline in page
    body = page[page.index('class="story__body"') : page.index("</article>")]
    second_paragraph_end = body.index("</p>", body.index("</p>") + 1)
    appeal = body.index("Not yet running")
    assert second_paragraph_end < appeal < body.index("<p>", second_paragraph_end)


def test_the_preview_can_show_each_variant(editor_client):
    prompt = MembershipPrompt.objects.get(name="Membership banner")
    variant = prompt.variants.get()
    page = editor_client.get(
        prompt_url("preview", prompt.pk) + f"?variant={variant.pk}"
    ).content.decode()
    assert (
        f'<div class="prompt__variant" data-variant="{variant.pk}" data-weight="50">'
        in page
    )
    assert (
        '<div class="prompt__variant" data-variant="0" data-weight="50" hidden>' in page
    )
    bogus = editor_client.get(
        prompt_url("preview", prompt.pk) + "?variant=99999&story=x"
    )
    assert bogus.status_code == 200
    assert '<div class="prompt__variant" data-variant="0" data-weight="50">' in (
        bogus.content.decode()
    )


def test_the_preview_of_a_home_prompt_is_the_home_page(editor_client):
    prompt = make_prompt(placement=MembershipPrompt.Placement.HOME, heading="Home ask")
    page = editor_client.get(prompt_url("preview", prompt.pk)).content.decode()
    assert "Home ask" in page
    assert 'id="latest-heading"' in page or 'id="lead-heading"' in page
    assert '<meta name="robots" content="noindex, nofollow">' in page


def test_the_prompt_form_edits_variants_inline(editor_client):
    prompt = make_prompt(name="To test")
    variant = make_variant(prompt, name="Old B")
    page = editor_client.get(prompt_url("change", prompt.pk)).content.decode()
    assert "variants: other wordings" in page.lower()
    assert prompt_url("preview", prompt.pk) in page
    assert 'data-variant="0"' in page and f'data-variant="{variant.pk}"' in page


def test_the_editor_adds_a_variant_from_the_prompt_form(editor_client):
    prompt = make_prompt(name="To split", button_url="/support/")
    data = {
        "name": "To split",
        "placement": "article_end",
        "kind": "membership",
        "heading": prompt.heading,
        "body": prompt.body,
        "button_label": "Join",
        "button_url": "/support/",
        "weight": "70",
        "is_active": "on",
        "priority": "0",
        "languages": "",
        "dismissal": "days",
        "dismiss_days": "7",
        "max_views_per_week": "4",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "0",
        "variants-0-name": "Shorter",
        "variants-0-weight": "30",
        "variants-0-heading": "Join us",
        "variants-0-body": "",
        "variants-0-button_label": "Join now",
    }
    response = editor_client.post(prompt_url("change", prompt.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    prompt.refresh_from_db()
    assert (prompt.weight, prompt.max_views_per_week) == (70, 4)
    assert [(v.name, v.weight) for v in prompt.variants.all()] == [("Shorter", 30)]

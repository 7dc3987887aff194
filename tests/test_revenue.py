"""Measuring prompts without tracking: the click redirect, the view beacon, figures."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from articles.models import MembershipPrompt, PromptDailyStat
from articles.prompts import counting as measure
from tests.helpers import make_article, make_prompt, make_variant

pytestmark = pytest.mark.django_db
READER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "facebookexternalhit/1.1",
    "curl/8.5.0",
    "python-requests/2.32",
    "Mozilla/5.0 HeadlessChrome/126.0",
    "",
]


@pytest.fixture
def reader():
    return Client(HTTP_USER_AGENT=READER)


def counts(prompt, variant=None):
    row = PromptDailyStat.objects.filter(prompt=prompt, variant=variant).first()
    return (row.impressions, row.clicks) if row else (0, 0)


def seen(client, prompt_id, variant_id=0, **headers):
    return client.post(
        "/support/seen/", {"prompt": prompt_id, "variant": variant_id}, **headers
    )


# The click redirect


def test_it_counts_a_click_and_sends_the_reader_to_the_prompts_link(reader):
    prompt = make_prompt(button_url="https://pay.example.org/join")
    response = reader.get(f"/support/go/{prompt.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "https://pay.example.org/join"
    assert counts(prompt) == (0, 1)
    reader.get(f"/support/go/{prompt.pk}/")
    assert counts(prompt) == (0, 2)
    assert PromptDailyStat.objects.get().day == timezone.localdate()


def test_it_counts_clicks_per_variant(reader):
    prompt = make_prompt(button_url="/support/")
    variant = make_variant(prompt)
    response = reader.get(f"/support/go/{prompt.pk}/{variant.pk}/")
    assert response["Location"] == "/support/"
    assert counts(prompt, variant) == (0, 1)
    assert counts(prompt) == (0, 0)


def test_the_click_redirect_is_never_cached_or_indexed(reader):
    prompt = make_prompt()
    response = reader.get(f"/support/go/{prompt.pk}/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert not response.cookies


@pytest.mark.parametrize(
    "query",
    [
        "?next=https://evil.example/",
        "?url=//evil.example/",
        "?to=javascript:alert(1)",
        "?button_url=https://evil.example/",
    ],
)
def test_the_click_redirect_ignores_any_destination_in_the_request(reader, query):
    prompt = make_prompt(button_url="/support/")
    response = reader.get(f"/support/go/{prompt.pk}/{query}")
    assert response["Location"] == "/support/"


@pytest.mark.parametrize(
    "path",
    [
        "/support/go/999999/",
        "/support/go/https://evil.example/",
        "/support/go//evil.example/",
        "/support/go/%2F%2Fevil.example/",
        "/support/go/javascript:alert(1)/",
        "/support/go/-1/",
    ],
)
def test_the_click_redirect_answers_404_to_anything_but_a_known_prompt(reader, path):
    make_prompt()
    response = reader.get(path)
    assert response.status_code == 404
    assert not PromptDailyStat.objects.exists()


def test_the_click_redirect_refuses_a_variant_of_another_prompt(reader):
    prompt = make_prompt()
    stranger = make_variant(make_prompt())
    assert reader.get(f"/support/go/{prompt.pk}/{stranger.pk}/").status_code == 404
    assert not PromptDailyStat.objects.exists()


@pytest.mark.parametrize(
    "stored",
    ["javascript:alert(1)", "//evil.example/", "data:text/html,hi", "ftp://x.org/", ""],
)
def test_the_click_redirect_never_follows_a_link_that_slipped_past_validation(
    reader, stored
):
    prompt = make_prompt()
    MembershipPrompt.objects.filter(pk=prompt.pk).update(button_url=stored)
    assert reader.get(f"/support/go/{prompt.pk}/").status_code == 404


@pytest.mark.parametrize(
    "state",
    [
        {"is_active": False},
        {"starts_at": timezone.now() + timedelta(days=1)},
        {"ends_at": timezone.now() - timedelta(minutes=1)},
    ],
)
def test_the_click_redirect_answers_404_for_a_prompt_that_is_not_running(reader, state):
    prompt = make_prompt(button_url="https://pay.example.org/join", **state)
    variant = make_variant(prompt)
    assert reader.get(f"/support/go/{prompt.pk}/").status_code == 404
    assert reader.get(f"/support/go/{prompt.pk}/{variant.pk}/").status_code == 404
    assert not PromptDailyStat.objects.exists()


@pytest.mark.parametrize(
    "link",
    [
        "/\\evil.example/",
        "/\\/evil.example/",
        "/\t/evil.example/",
        "/\n/evil.example/",
        "/\u2028/evil.example/",
        "//evil.example/",
        "\\\\evil.example/",
        "javascript:alert(1)",
        "data:text/html,hi",
        "https://pay example.org/",
    ],
)
def test_a_button_link_is_a_path_on_this_site_or_a_full_web_address(link):
    prompt = make_prompt()
    prompt.button_url = link
    with pytest.raises(ValidationError) as refused:
        prompt.full_clean()
    assert "button_url" in refused.value.message_dict
    for good in ("/support/", "/support/?tier=2", "https://pay.example.org/join"):
        prompt.button_url = good
        prompt.full_clean()


def test_the_click_redirect_never_follows_a_backslash_off_the_site(reader):
    prompt = make_prompt()
    MembershipPrompt.objects.filter(pk=prompt.pk).update(button_url="/\\evil.example")
    assert reader.get(f"/support/go/{prompt.pk}/").status_code == 404
    assert not PromptDailyStat.objects.exists()


def test_the_click_redirect_only_answers_get(reader):
    prompt = make_prompt()
    assert reader.post(f"/support/go/{prompt.pk}/").status_code == 405


@pytest.mark.parametrize("agent", BOTS)
def test_bots_are_redirected_but_not_counted(agent):
    prompt = make_prompt()
    response = Client(HTTP_USER_AGENT=agent).get(f"/support/go/{prompt.pk}/")
    assert response.status_code == 302
    assert counts(prompt) == (0, 0)


@pytest.mark.parametrize(
    "header", ["HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ"]
)
def test_prefetches_are_redirected_but_not_counted(reader, header):
    prompt = make_prompt()
    value = "preview" if header == "HTTP_X_PURPOSE" else "prefetch"
    response = reader.get(f"/support/go/{prompt.pk}/", **{header: value})
    assert response.status_code == 302
    assert counts(prompt) == (0, 0)


# The view beacon


def test_it_adds_views_up_per_prompt_variant_and_day(reader):
    prompt = make_prompt()
    variant = make_variant(prompt)
    for _ in range(3):
        assert seen(reader, prompt.pk).status_code == 204
    assert seen(reader, prompt.pk, variant.pk).status_code == 204
    assert counts(prompt) == (3, 0)
    assert counts(prompt, variant) == (1, 0)
    assert PromptDailyStat.objects.count() == 2


def test_the_beacon_needs_no_csrf_token_and_sets_no_cookie():
    prompt = make_prompt()
    client = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=READER)
    response = seen(client, prompt.pk)
    assert response.status_code == 204
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("make", "status"),
    [
        (lambda p, v: {"prompt": 999999}, 404),
        (lambda p, v: {"prompt": p.pk, "variant": v.pk + 1000}, 404),
        (lambda p, v: {"prompt": "one"}, 400),
        (lambda p, v: {"variant": v.pk}, 400),
        (lambda p, v: {"prompt": p.pk, "variant": "x"}, 400),
    ],
)
def test_the_beacon_accepts_only_running_prompts_and_their_variants(
    reader, make, status
):
    prompt = make_prompt()
    variant = make_variant(prompt)
    assert reader.post("/support/seen/", make(prompt, variant)).status_code == status
    assert not PromptDailyStat.objects.exists()


def test_the_beacon_refuses_prompts_that_are_not_running(reader):
    off = make_prompt(is_active=False)
    over = make_prompt(ends_at=timezone.now() - timezone.timedelta(hours=1))
    paused = make_variant(make_prompt(), weight=0)
    assert seen(reader, off.pk).status_code == 404
    assert seen(reader, over.pk).status_code == 404
    assert seen(reader, paused.prompt_id, paused.pk).status_code == 404
    assert not PromptDailyStat.objects.exists()


def test_the_beacon_refuses_large_bodies_other_sites_and_get(reader):
    prompt = make_prompt()
    big = reader.post("/support/seen/", {"prompt": prompt.pk, "padding": "x" * 500})
    assert big.status_code == 413
    assert seen(reader, prompt.pk, HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert seen(reader, prompt.pk, HTTP_SEC_FETCH_SITE="same-origin").status_code == 204
    assert reader.get("/support/seen/").status_code == 405
    assert counts(prompt) == (1, 0)


@pytest.mark.parametrize("agent", BOTS)
def test_the_beacon_does_not_count_bots(agent):
    prompt = make_prompt()
    assert seen(Client(HTTP_USER_AGENT=agent), prompt.pk).status_code == 204
    assert counts(prompt) == (0, 0)


def test_the_beacon_does_not_count_prefetches(reader):
    prompt = make_prompt()
    assert seen(reader, prompt.pk, HTTP_SEC_PURPOSE="prefetch").status_code == 204
    assert counts(prompt) == (0, 0)


def test_the_beacon_is_rate_limited_per_address(settings, reader):
    settings.NEWSROOM_PROMPT_RATE_LIMIT = 3
    prompt = make_prompt()
    statuses = [seen(reader, prompt.pk).status_code for _ in range(5)]
    assert statuses == [204, 204, 204, 429, 429]
    other = seen(reader, prompt.pk, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 204
    assert counts(prompt) == (4, 0)


def test_clicks_over_the_limit_still_redirect_but_are_not_counted(settings, reader):
    settings.NEWSROOM_PROMPT_RATE_LIMIT = 2
    prompt = make_prompt()
    statuses = [reader.get(f"/support/go/{prompt.pk}/").status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 302]
    assert counts(prompt) == (0, 2)


def test_behind_a_proxy_the_limit_uses_the_address_the_proxy_added(settings, reader):
    settings.NEWSROOM_PROMPT_RATE_LIMIT = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    prompt = make_prompt()
    # A client cannot dodge the limit by writing its own X-Forwarded-For.
    first = seen(reader, prompt.pk, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    second = seen(reader, prompt.pk, HTTP_X_FORWARDED_FOR="2.2.2.2, 203.0.113.9")
    third = seen(reader, prompt.pk, HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert [first.status_code, second.status_code, third.status_code] == [
        204,
        429,
        204,
    ]


def test_no_address_or_reader_detail_is_kept_anywhere(reader, monkeypatch):
    keys = []
    original_add = cache.add

    def recording_add(key, *args, **kwargs):
        keys.append(key)
        return original_add(key, *args, **kwargs)

    monkeypatch.setattr(cache, "add", recording_add)
    prompt = make_prompt()
    address = "198.51.100.23"
    seen(reader, prompt.pk, REMOTE_ADDR=address)
    reader.get(f"/support/go/{prompt.pk}/", REMOTE_ADDR=address)
    assert keys and not any(address in key for key in keys)
    fields = {field.name for field in PromptDailyStat._meta.get_fields()}
    assert fields == {"id", "prompt", "variant", "day", "impressions", "clicks"}
    row = PromptDailyStat.objects.values().get()
    assert address not in str(row) and READER not in str(row)


def test_a_day_has_one_row_per_prompt_and_version(reader):
    prompt = make_prompt()
    measure.prompt_stat_increment(prompt_id=prompt.pk, field="impressions")
    with pytest.raises(IntegrityError), transaction.atomic():
        PromptDailyStat.objects.create(prompt=prompt, day=timezone.localdate())
    variant = make_variant(prompt)
    measure.prompt_stat_increment(
        prompt_id=prompt.pk, variant_id=variant.pk, field="clicks"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PromptDailyStat.objects.create(
            prompt=prompt, variant=variant, day=timezone.localdate()
        )


# Pages stay the same for every reader


def test_pages_with_prompts_are_byte_identical_for_different_readers():
    story = make_article()
    header = make_prompt(placement=MembershipPrompt.Placement.HEADER)
    make_variant(header, weight=70)
    make_prompt(placement=MembershipPrompt.Placement.ARTICLE_END)
    make_prompt(placement=MembershipPrompt.Placement.HOME)
    first = Client(HTTP_USER_AGENT=READER, HTTP_ACCEPT_LANGUAGE="ka")
    second = Client(
        HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile Safari/604.1",
        HTTP_ACCEPT_LANGUAGE="ru",
        REMOTE_ADDR="203.0.113.50",
    )
    second.cookies["newsroom.prompts"] = "member"
    second.cookies["returning"] = "someone"
    for url in ["/", story.get_absolute_url(), "/support/"]:
        one, two = first.get(url), second.get(url)
        assert one.status_code == two.status_code == 200
        assert one.content == two.content, url
        assert not one.cookies and not two.cookies
        assert "Cookie" not in one.get("Vary", "")
        page = two.content.decode()
        for detail in ("203.0.113.50", "iPhone", "someone", "csrfmiddlewaretoken"):
            assert detail not in page

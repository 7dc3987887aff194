"""Security headers on every response, production checks, and the sign-in lockout."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from articles.security import inline_scripts, script_hash
from tests.helpers import make_article

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


READER_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "media-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
PERMISSIONS_POLICY = (
    "accelerometer=(), browsing-topics=(), camera=(), display-capture=(), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)


def policy(response):
    """The Content-Security-Policy as {directive: [sources]}."""
    return {
        name: sources
        for name, *sources in (
            part.split() for part in response["Content-Security-Policy"].split(";")
        )
    }


def assert_hardened(response):
    csp = policy(response)
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_it_sends_the_security_headers_on_every_kind_of_response(client):
    story = make_article()
    for url in (
        "/",
        story.get_absolute_url(),
        story.get_absolute_url(),  # from the page cache this time
        reverse("articles:feed"),
        reverse("articles:api-articles"),
        "/story/missing/",
        reverse("healthz"),
        reverse("admin:login"),
    ):
        assert_hardened(client.get(url))


def test_reader_pages_allow_no_inline_script_or_style(client):
    story = make_article()
    csp = policy(client.get(story.get_absolute_url()))
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]


def test_reader_pages_get_the_whole_policy_and_no_nonce(client):
    story = make_article()
    fresh = client.get(story.get_absolute_url())
    cached = client.get(story.get_absolute_url())
    assert cached["X-Page-Cache"] == "hit"
    for response in (fresh, cached):
        assert policy(response) == READER_POLICY
        # A nonce kept in the page cache would be handed to every reader.
        assert "nonce-" not in response["Content-Security-Policy"]
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_the_admin_allows_inline_styles_and_its_pictures(editor_client):
    csp = policy(editor_client.get(reverse("admin:index")))
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["img-src"] == ["'self'", "data:", "blob:"]
    assert csp["script-src"][0] == "'self'"
    assert all(source.startswith("'sha256-") for source in csp["script-src"][1:])


def test_it_upgrades_insecure_requests_only_when_it_redirects_to_https(
    client, settings
):
    assert "upgrade-insecure-requests" not in policy(client.get("/"))
    settings.SECURE_SSL_REDIRECT = True
    secure = client.get(reverse("healthz"), secure=True)
    assert policy(secure)["upgrade-insecure-requests"] == []


def test_it_allows_media_from_the_host_media_url_names(client, editor_client, settings):
    settings.MEDIA_URL = "https://media.example.org/newsroom/"
    for response in (
        client.get(reverse("healthz")),
        editor_client.get(reverse("admin:index")),
    ):
        csp = policy(response)
        assert "https://media.example.org" in csp["img-src"]
        assert csp["media-src"] == ["'self'", "https://media.example.org"]


def test_it_switches_off_the_browser_features_no_page_uses(client):
    story = make_article()
    for url in ("/", story.get_absolute_url(), reverse("admin:login")):
        assert client.get(url)["Permissions-Policy"] == PERMISSIONS_POLICY


def test_it_sends_hsts_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    secure = client.get("/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/")


def test_the_admin_story_form_renders_with_its_scripts_allowed(editor_client):
    story = make_article()
    for url in (
        reverse("admin:articles_article_add"),
        reverse("admin:articles_article_change", args=[story.pk]),
    ):
        response = editor_client.get(url)
        assert response.status_code == 200
        assert_hardened(response)
        allowed = policy(response)["script-src"]
        page = response.content.decode()
        inline = inline_scripts(page)
        assert inline, "the editor's import map is inline"
        for body in inline:
            assert f"'{script_hash(body)}'" in allowed, body[:80]
        # Every other script comes from our own static files.
        assert 'src="http' not in page
        assert 'src="//' not in page


def test_check_deploy_passes_with_production_settings():
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DJANGO_SECRET_KEY": "a-long-random-production-key-" + "x7Qp2Lm9" * 5,
        "DJANGO_ALLOWED_HOSTS": "news.example.org",
        "DJANGO_HTTPS": "on",
        "DATABASE_URL": "postgres://newsroom@db.example.org:5432/newsroom",
        "REDIS_URL": "redis://cache.example.org:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def sign_in(client, password, username="editor"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR="203.0.113.7",
    )


def test_it_locks_out_repeated_failed_sign_ins_then_lifts_the_lock(client, demo):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert sign_in(client, "wrong").status_code == 200
    locked = sign_in(client, "wrong")
    assert locked.status_code == 429
    assert "Signing in is locked" in locked.content.decode()
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    assert f"Try again in {minutes} minutes" in locked.content.decode()
    # The right password does not help while the lock holds.
    assert sign_in(client, "demo-password-for-tests").status_code == 429

    # The cool-off passes: the failures now lie further back than it.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    signed_in = sign_in(client, "demo-password-for-tests")
    assert signed_in.status_code == 302
    assert signed_in["Location"] == reverse("admin:index")


def test_the_lockout_is_per_user_and_address(client, demo):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong")
    other_user = sign_in(client, "demo-password-for-tests", username="reporter")
    assert other_user.status_code == 302


def test_the_test_client_can_still_sign_in_directly(client, demo):
    assert client.login(username="editor", password="demo-password-for-tests")


def test_uploads_served_by_the_app_are_sandboxed_as_nginx_serves_them(client):
    from articles.serving.media import UPLOAD_POLICY
    from tests.helpers import make_image

    image = make_image()
    for url in (image.file.url, image.rendition_url(64, "webp")):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Security-Policy"] == UPLOAD_POLICY
        assert "sandbox" in policy(response)
        assert policy(response)["default-src"] == ["'none'"]
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert f'add_header Content-Security-Policy "{UPLOAD_POLICY}";' in nginx


@pytest.mark.parametrize(
    "name", ["x" * 5000, "renditions/" + "Ж" * 300, "a\x00b", "../secret_key"]
)
def test_an_upload_name_no_file_can_have_gets_a_client_error(client, name):
    response = client.get(settings.MEDIA_URL + name)
    assert response.status_code in (400, 404)


def test_the_error_page_is_styled_within_the_sites_own_policy(client, monkeypatch):
    from django.test import Client

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("articles.views.home_context", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "<style" not in page and "style=" not in page
    assert policy(response)["style-src"] == ["'self'"]
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)
    assert stylesheet.startswith(settings.STATIC_URL)
    assert finders.find(stylesheet.removeprefix(settings.STATIC_URL))

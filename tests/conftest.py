import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

from articles.models import sitemap_lists
from tests.live import live_site  # noqa: F401  (gunicorn serving the demo)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def one_sitemap_part(monkeypatch):
    """Every section, tag and author in the first part of its sitemap: ids
    keep counting across tests on PostgreSQL, and a test that lists
    /sitemap-tags.xml means its own tags; tests of the split lower it."""
    monkeypatch.setattr(sitemap_lists, "PART_SIZE", 10**12)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request to /ru/… leaves
    Russian active in the thread, and reverse() would then prefix it."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path):
    """Each test stores its pictures in a folder of its own: files named by
    their content, left by an earlier test, would otherwise be found there."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def uncached_pages(settings):
    """Every request renders its page: for counting what rendering costs."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def demo(db, monkeypatch):
    """The demo deployment: both stories, prompts, tiers and accounts."""
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def editor_client(client, demo):
    client.login(username="editor", password="demo-password-for-tests")
    return client


def pytest_sessionfinish(session, exitstatus):
    for folder in (Path(settings.MEDIA_ROOT), Path(settings.STATIC_ROOT)):
        if folder.name.startswith(("newsroom-test-media-", "newsroom-test-static-")):
            shutil.rmtree(folder, ignore_errors=True)

"""The app under gunicorn with the demo loaded, and Chromium pages that watch it.

Every page a test opens records its requests, console errors, uncaught
exceptions and Content-Security-Policy violations; `site_page` fails the test
if any of them went wrong, so each journey also proves the page loads nothing
from another host and breaks no rule of the policy.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.browser.site import (
    ROOT,
    LiveSite,
    assert_well_behaved,
    manage,
    open_context,
    watch,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
DEMO_PASSWORD = "demo-password-for-browser-tests"

# One Django start-up instead of four: migrate, load the demo, collect the
# static files. The demo places prompts in the header and at the end of
# stories; the two added here bring the other placements, so every prompt
# style is on screen and checked, and a prompt readers can hide for good.
SET_UP_SITE = """
from django.core.management import call_command
from articles.models import MembershipPrompt
call_command("migrate", interactive=False, verbosity=0)
call_command("load_demo", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
MembershipPrompt.objects.get_or_create(
    name="Inline appeal (browser tests)",
    defaults=dict(placement="inline", paragraph=3, heading="Journalism without fear",
        body="Our reporters work where others cannot. Readers keep them there.",
        button_label="Support our reporting", button_url="/support/",
        dismissal="forever"),
)
MembershipPrompt.objects.get_or_create(
    name="Home appeal (browser tests)",
    defaults=dict(placement="home", heading="Independent, reader-funded",
        body="No owner, no advertiser, no government tells us what to publish.",
        button_label="Become a member", button_url="/support/"),
)
"""


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"Chromium not found at {CHROMIUM}: apt-get install chromium"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def _listening_socket():
    """A socket on a port the system picks, so parallel runs never collide.

    gunicorn takes it over as an open file descriptor (`fd://`), so no other
    process can grab the port between choosing it and serving on it.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.set_inheritable(True)
    return listener


def _wait_until_serving(process, port, timeout=30):
    """Until the home page answers: the socket accepts before the workers are up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port} within {timeout}s")


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """The demo site served by gunicorn from a fresh SQLite database."""
    data = tmp_path_factory.mktemp("site")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "REDIS_", "DATABASE_", "NEWSROOM_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DJANGO_SECRET_KEY="browser-tests-only-" + "x" * 40,
        DJANGO_HTTPS="off",
        DATABASE_URL=f"sqlite:///{data / 'site.sqlite3'}",
        MEDIA_ROOT=str(data / "media"),
        STATIC_ROOT=str(data / "static"),
        DEMO_PASSWORD=DEMO_PASSWORD,
        GUNICORN_ACCESS_LOG="/dev/null",
        WEB_CONCURRENCY="2",
    )
    manage(env, "shell", "--no-imports", "-c", SET_UP_SITE)
    listener = _listening_socket()
    port = listener.getsockname()[1]
    origin = f"http://127.0.0.1:{port}"
    log = (data / "gunicorn.log").open("w")
    with listener:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
            + ["newsroom.wsgi"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"fd://{listener.fileno()}"},
            pass_fds=[listener.fileno()],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_serving(server, port)
        yield LiveSite(origin=origin, env=env)
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(live_site, browser):
    """Opens browser contexts on the live site (viewport, scheme, options); closes them."""
    contexts = []

    def new(viewport="desktop", color_scheme="light", **options):
        context = open_context(
            browser, live_site.origin, viewport, color_scheme, **options
        )
        contexts.append(context)
        return context

    yield new
    for context in contexts:
        context.close()


@pytest.fixture
def site_page(live_site, new_context):
    """A desktop page in the light scheme that must stay clean to the end."""
    context = new_context()
    page = context.new_page()
    seen = watch(page, live_site.origin)
    yield page
    context.close()
    assert_well_behaved(seen)

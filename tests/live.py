"""The app as it is deployed: gunicorn serving the demo from a database of its own.

One session-wide site, started the first time a test asks for `live_site`:
the browser tests drive Chromium against it, and tests of what sits in
front of Django (gunicorn, the page cache front) send it raw requests.
A second, `editions_site`, serves another copy of the demo with generated
stories in every language edition, for the tests of the editions' pages.
Both copy one set-up of the demo, made once a session.
"""

import http.client
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
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


@dataclass(frozen=True)
class LiveSite:
    """The app under gunicorn: where it answers, and how to reach its database."""

    origin: str
    env: dict

    def manage(self, *args):
        """Run a manage.py command against the site's own database; its output."""
        return manage(self.env, *args)


def manage(env, *args):
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


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


def _site_env(data, static_root):
    """The environment of a site whose database and media are in `data`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "REDIS_", "DATABASE_", "NEWSROOM_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DJANGO_SECRET_KEY="browser-tests-only-" + "x" * 40,
        DJANGO_HTTPS="off",
        DJANGO_EMAIL_BACKEND="console",  # as in make demo: emails go to the log
        NEWSROOM_LANGUAGES="en,ru,ka,az",  # as in make demo
        # As in make demo: staff are asked for a second factor once they have one.
        NEWSROOM_REQUIRE_2FA="off",
        # Each site's workers tell each other of changes, not another site's.
        NEWSROOM_CHANGE_STAMP=str(data / "changed"),
        DATABASE_URL=f"sqlite:///{data / 'site.sqlite3'}",
        MEDIA_ROOT=str(data / "media"),
        STATIC_ROOT=str(static_root),
        DEMO_PASSWORD=DEMO_PASSWORD,
        GUNICORN_ACCESS_LOG="/dev/null",
        WEB_CONCURRENCY="2",
    )
    return env


_demo_builds = {}  # a session's temporary folder: its demo build


def _demo_build(tmp_path_factory):
    """The demo set up once a session (SET_UP_SITE): every site serves a copy
    of it, so a second one costs a file copy instead of another migrate and
    load. (Not a fixture: tests/conftest.py imports `live_site` alone.)"""
    session = tmp_path_factory.getbasetemp()
    if session not in _demo_builds:
        data = tmp_path_factory.mktemp("demo")
        env = _site_env(data, data / "static")
        manage(env, "shell", "--no-imports", "-c", SET_UP_SITE)
        _demo_builds[session] = data
    return _demo_builds[session]


def _serve(data, demo, set_up=None, *, listener=None, settings=None):
    """gunicorn serving a copy of the demo build `demo` from `data`: the
    database and media copied (each site changes its own), the collected
    static files shared; `set_up`, code for `manage.py shell`, runs on the
    copy first. It serves on `listener` (a socket from _listening_socket)
    or a new one, with `settings`, environment variables, added. Yields the
    LiveSite until the session ends."""
    with (
        closing(sqlite3.connect(demo / "site.sqlite3")) as source,
        closing(sqlite3.connect(data / "site.sqlite3")) as copy,
    ):
        source.backup(copy)
    shutil.copytree(demo / "media", data / "media")
    env = {**_site_env(data, demo / "static"), **(settings or {})}
    if set_up:
        manage(env, "shell", "--no-imports", "-c", set_up)
    listener = listener or _listening_socket()
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
def live_site(tmp_path_factory):
    """The demo site served by gunicorn from a database of its own."""
    yield from _serve(tmp_path_factory.mktemp("site"), _demo_build(tmp_path_factory))


# Eight generated stories in each edition but the default one, in its language
# and script; the same seed gives the same stories every run.
GENERATE_EDITIONS = """
from django.core.management import call_command
for code in ("ru", "ka", "az"):
    call_command("generate_articles", 8, language=code, seed=1, verbosity=0)
"""


@pytest.fixture(scope="session")
def editions_site(tmp_path_factory):
    """Another copy of the demo under gunicorn, with stories in every edition:
    the shared `live_site` keeps exactly the demo's, which other tests count."""
    yield from _serve(
        tmp_path_factory.mktemp("editions"),
        _demo_build(tmp_path_factory),
        GENERATE_EDITIONS,
    )

"""Settings for the test suite: the production settings, made fast and hermetic."""

import tempfile
from pathlib import Path

from newsroom.env import editions
from newsroom.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="newsroom-test-media-")
NEWSROOM_CHANGE_STAMP = Path(MEDIA_ROOT) / "changed"
# Tests never collect static files; an empty folder keeps whitenoise quiet.
STATIC_ROOT = tempfile.mkdtemp(prefix="newsroom-test-static-")
# The test client speaks plain http; the HTTPS settings themselves are tested.
SECURE_SSL_REDIRECT = False
# The demo's editions: English unprefixed, Russian, Georgian and Azerbaijani.
LANGUAGES, LANGUAGE_CODE = editions(["en", "ru", "ka", "az"], "en")  # noqa: F405
# Staff sign in with a password alone unless a test turns the second-factor
# rule on (tests/test_staff_security.py); accounts with a factor are still asked.
NEWSROOM_REQUIRE_2FA = False
# One process, one clock: a page rendered right after a change is kept, as
# tests expect of the next request (production allows for servers' clocks).
NEWSROOM_CLOCK_SKEW_MS = 0

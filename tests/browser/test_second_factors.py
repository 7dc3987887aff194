"""Second factors in a real browser, on the demo under gunicorn: a staff
member adds a passkey (Chromium's DevTools virtual authenticator stands in
for a phone or a security key), signs out and signs in with it; another signs
in with a code from an authenticator app, computed here. Screenshots go to
var/screenshots/admin/.

Passkeys belong to a host name, and browsers refuse an IP address as one:
these pages are opened on http://localhost (a secure context, as https is).
"""

import time
from binascii import unhexlify

import pytest
from django_otp.oath import TOTP

from tests.browser.conftest import _contexts_on
from tests.browser.site import assert_well_behaved, in_view, watch
from tests.live import DEMO_PASSWORD

pytestmark = pytest.mark.browser

# Two staff accounts of their own, so the demo's stay as they are.
SET_UP = f"""
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_totp.models import TOTPDevice
for name in ("passkey-editor", "app-editor"):
    user, _ = User.objects.get_or_create(username=name, defaults=dict(is_staff=True))
    user.set_password({DEMO_PASSWORD!r})
    user.save()
    user.groups.add(Group.objects.get(name="Editor"))
app, _ = TOTPDevice.objects.get_or_create(
    user=User.objects.get(username="app-editor"), name="Phone", confirmed=True
)
print(app.key)
"""
CLEAN_UP = """
from django.contrib.auth.models import User
User.objects.filter(username__in=["passkey-editor", "app-editor"]).delete()
"""
EVENTS = """
from articles.models import SecurityEvent
for event in SecurityEvent.objects.filter(
    username={name!r}, kind__in=["verified", "device_added"]
).order_by("at"):
    print(event.kind, event.detail)
"""


@pytest.fixture
def app_key(live_site):
    key = live_site.manage("shell", "--no-imports", "-c", SET_UP).strip()
    yield key
    live_site.manage("shell", "--no-imports", "-c", CLEAN_UP)


@pytest.fixture
def localhost_page(live_site, browser):
    """A page on the live site by the name localhost; watched to the end."""
    origin = live_site.origin.replace("127.0.0.1", "localhost")
    with _contexts_on(browser, origin) as new:
        context = new()
        page = context.new_page()
        page.set_default_timeout(15_000)
        seen = watch(page, origin)
        yield page
        assert_well_behaved(seen)


def sign_in_with_password(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")


def virtual_authenticator(page):
    """A passkey authenticator built into the browser: it answers at once, as
    a phone would after its owner's fingerprint."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    added = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return lambda: devtools.send(
        "WebAuthn.getCredentials", {"authenticatorId": added["authenticatorId"]}
    )["credentials"]


def test_a_passkey_is_added_then_signs_in(live_site, app_key, localhost_page):
    page = localhost_page
    credentials = virtual_authenticator(page)
    sign_in_with_password(page, "passkey-editor")
    page.wait_for_url("**/admin/")

    page.get_by_role("link", name="Sign-in security").click()
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_selector("input[value='Passkey (Chrome on Linux)']")
    [credential] = credentials()
    assert credential["rpId"] == "localhost"
    in_view(page, "security-passkey-added")
    page.get_by_role("link", name="Set up an authenticator app").click()
    assert page.get_by_role("img", name="QR code of the key").is_visible()
    in_view(page, "security-app")
    page.go_back()

    page.locator("#logout-form button").click()
    sign_in_with_password(page, "passkey-editor")
    page.wait_for_url("**/admin/account/verify/**")
    in_view(page, "security-verify")
    page.get_by_role("button", name="Use your passkey").click()
    page.wait_for_url("**/admin/")
    assert credentials()[0]["signCount"] > credential["signCount"]

    events = live_site.manage(
        "shell", "--no-imports", "-c", EVENTS.format(name="passkey-editor")
    )
    assert "device_added Passkey: Passkey (Chrome on Linux)" in events
    assert "verified Passkey" in events


def test_a_code_from_an_authenticator_app_signs_in(live_site, app_key, localhost_page):
    page = localhost_page
    sign_in_with_password(page, "app-editor")
    page.wait_for_url("**/admin/account/verify/**")
    # Nothing but signing out answers until the code is given.
    page.goto("/admin/articles/article/")
    page.wait_for_url("**/admin/account/verify/**")

    totp = TOTP(unhexlify(app_key))
    totp.time = time.time()
    page.fill("#id_code", f"{totp.token():06d}")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/articles/article/")
    assert "verified Authenticator app" in live_site.manage(
        "shell", "--no-imports", "-c", EVENTS.format(name="app-editor")
    )

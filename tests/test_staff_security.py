"""Staff sign-in under pressure: second factors, sessions, the security log,
passwords (articles.accounts, articles.admin.signin and .security)."""

import logging
import time
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import (
    KnownBrowser,
    RecoveryCode,
    RecoveryCodeDevice,
    SecurityEvent,
    StaffSession,
)
from tests.admin_helpers import make_staff
from tests.wsgi import WSGI

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase of words"
Kind = SecurityEvent.Kind


@pytest.fixture
def required(settings):
    settings.NEWSROOM_REQUIRE_2FA = True


def make_person(role="Editor", **fields):
    person = make_staff(role, email=f"{role.lower()}@newsroom.example", **fields)
    person.set_password(PASSWORD)
    person.save()
    return person


def with_app(person):
    """An authenticator app for `person`, set up and confirmed."""
    return TOTPDevice.objects.create(user=person, name="Phone", confirmed=True)


def code_of(device, at=None):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at if at is not None else time.time()
    return f"{totp.token():06d}"


def sign_in(client, person, password=PASSWORD, browser="Mozilla/5.0 Firefox/140.0"):
    """The sign-in form, as a browser sends it."""
    return client.post(
        reverse("admin:login"),
        {"username": person.username, "password": password, "next": "/admin/"},
        HTTP_USER_AGENT=browser,
    )


def verify(client, code):
    return client.post(reverse("staff-verify"), {"code": code, "next": "/admin/"})


def events_of(person, kind):
    return SecurityEvent.objects.filter(user=person, kind=kind)


# The second factor required


def test_it_keeps_staff_without_a_second_factor_to_enrolling_one(client, required):
    person = make_person()
    response = sign_in(client, person)
    assert response.status_code == 302
    for page in ("/admin/", "/admin/articles/article/", "/admin/auth/user/"):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("staff-security"))
    assert client.get(reverse("staff-security")).status_code == 200
    assert client.get(reverse("staff-app")).status_code == 200
    assert client.post(reverse("admin:logout")).status_code == 200


def test_it_lets_staff_without_a_factor_in_when_the_rule_is_off(client):
    person = make_person()
    sign_in(client, person)
    assert client.get("/admin/").status_code == 200


def test_it_asks_for_the_second_factor_of_staff_who_have_one_even_with_the_rule_off(
    client,
):
    person = make_person()
    app = with_app(person)
    sign_in(client, person)
    response = client.get("/admin/articles/article/")
    assert response["Location"].startswith(reverse("staff-verify"))
    # The second lock: the admin site refuses the account too.
    assert client.get(reverse("staff-security"))["Location"].startswith(
        reverse("staff-verify")
    )
    assert verify(client, code_of(app))["Location"] == "/admin/"
    assert client.get("/admin/articles/article/").status_code == 200
    assert events_of(person, Kind.VERIFIED).count() == 1


def test_it_sets_up_an_authenticator_app_then_shows_recovery_codes_once(
    client, required, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code delays the next by 1 s
    person = make_person()
    sign_in(client, person)
    page = client.get(reverse("staff-app"))
    assert b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    wrong = client.post(reverse("staff-app"), {"code": "000000"})
    assert wrong.status_code == 200
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    done = client.post(
        reverse("staff-app"), {"code": code_of(device, time.time() + 30)}
    )
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    codes = done.context["codes"]
    assert len(codes) == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    # The codes are not kept: only their digests.
    kept = set(RecoveryCode.objects.values_list("code_digest", flat=True))
    assert not kept & {code.replace("-", "") for code in codes}
    assert client.get("/admin/").status_code == 200


def test_a_totp_code_signs_in_once_and_is_refused_when_replayed(client):
    person = make_person()
    app = with_app(person)
    code = code_of(app)
    sign_in(client, person)
    assert verify(client, code)["Location"] == "/admin/"

    thief = Client()
    sign_in(thief, person)
    replayed = verify(thief, code)
    assert replayed.status_code == 200
    assert "wrong, out of date or used already" in replayed.content.decode()
    assert thief.get("/admin/")["Location"].startswith(reverse("staff-verify"))
    assert events_of(person, Kind.CODE_FAILED).count() == 1


def test_a_recovery_code_signs_in_once(client, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0  # a wrong code delays the next by 1 s
    person = make_person()
    with_app(person)
    codes = RecoveryCodeDevice.objects.create(user=person, name="Codes").renew()
    sign_in(client, person)
    assert verify(client, codes[0].upper())["Location"] == "/admin/"

    again = Client()
    sign_in(again, person)
    assert verify(again, codes[0]).status_code == 200
    assert verify(again, codes[1])["Location"] == "/admin/"
    assert RecoveryCode.objects.filter(device__user=person).count() == 8


def test_wrong_codes_lock_the_account_out_like_wrong_passwords(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    person = make_person()
    app = with_app(person)
    sign_in(client, person)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert verify(client, "123456").status_code == 200
    locked = verify(client, "123457")
    assert locked.status_code == 429
    # Signed out; signing in again is locked too, the right code no help.
    assert client.get("/admin/")["Location"].startswith(reverse("admin:login"))
    assert sign_in(client, person).status_code == 429
    assert verify(client, code_of(app))["Location"].startswith(reverse("admin:login"))
    assert not events_of(person, Kind.VERIFIED).exists()
    assert SecurityEvent.objects.filter(kind=Kind.LOCKED_OUT).exists()


def test_signing_in_again_with_the_password_does_not_reset_the_count_of_wrong_codes(
    client, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    person = make_person()
    with_app(person)
    sign_in(client, person)
    for _attempt in range(3):
        verify(client, "123456")
    client.post(reverse("admin:logout"))
    sign_in(client, person)
    verify(client, "123456")
    assert verify(client, "123456").status_code == 429


def test_a_whole_sign_in_forgives_earlier_failures(client, settings):
    person = make_person()
    app = with_app(person)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, person, password="not it")
    sign_in(client, person)
    verify(client, code_of(app))
    assert not AccessAttempt.objects.filter(username=person.username).exists()


# Devices


def test_it_never_removes_the_last_factor_while_the_rule_is_on(client, required):
    person = make_person()
    app = with_app(person)
    sign_in(client, person)
    verify(client, code_of(app))
    client.post(
        reverse("staff-security"), {"action": "remove", "factor": app.persistent_id}
    )
    assert TOTPDevice.objects.filter(pk=app.pk).exists()


def test_a_factor_removed_already_changes_nothing_and_says_so(client):
    person = make_person()
    app, spare = with_app(person), with_app(person)
    gone = spare.persistent_id
    sign_in(client, person)
    verify(client, code_of(app))
    spare.delete()
    for action in ("remove", "rename"):
        response = client.post(
            reverse("staff-security"),
            {"action": action, "factor": gone, "name": "Old phone"},
            follow=True,
        )
        assert "removed already" in response.content.decode()
    assert TOTPDevice.objects.get(pk=app.pk).name == "Phone"
    # Nor can one account name another's factor.
    theirs = with_app(make_person("Reporter"))
    client.post(
        reverse("staff-security"),
        {"action": "remove", "factor": theirs.persistent_id},
    )
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


def test_removing_a_factor_ends_the_other_sessions(client):
    person = make_person()
    app, spare = with_app(person), with_app(person)
    sign_in(client, person)
    verify(client, code_of(app))
    laptop = Client()
    sign_in(laptop, person)
    verify(laptop, code_of(spare, time.time() + 30))
    assert laptop.get("/admin/").status_code == 200

    response = client.post(
        reverse("staff-security"), {"action": "remove", "factor": spare.persistent_id}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=spare.pk).exists()
    assert laptop.get("/admin/")["Location"].startswith(reverse("admin:login"))
    assert client.get("/admin/").status_code == 200
    assert events_of(person, Kind.DEVICE_REMOVED).count() == 1


def test_a_superuser_resets_another_accounts_factors_and_it_is_logged(client):
    boss = User.objects.create_superuser("boss", "boss@newsroom.example", PASSWORD)
    person = make_person()
    with_app(person)
    theirs = Client()
    sign_in(theirs, person)
    client.force_login(boss)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_factors", "_selected_action": [person.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaffSession.objects.filter(user=person).exists()
    event = events_of(person, Kind.DEVICES_RESET).get()
    assert event.actor == "boss"


def test_only_a_superuser_resets_factors(client):
    person, other = make_person(), make_person("Reporter")
    person.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    with_app(other)
    client.force_login(person)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_factors", "_selected_action": [other.pk]},
    )
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=other).exists()
    assert SecurityEvent.objects.filter(kind=Kind.REFUSED, user=person).exists()


# Sessions


def test_staff_see_their_sessions_and_end_one(client):
    person = make_person()
    sign_in(client, person, browser="Mozilla/5.0 (Windows NT 10.0) Firefox/140.0")
    phone = Client()
    sign_in(phone, person, browser="Mozilla/5.0 (Linux; Android 15) Chrome/140.0")
    page = client.get(reverse("staff-security"))
    text = page.content.decode()
    assert "Firefox on Windows" in text and "Chrome on Android" in text
    phone_session = StaffSession.objects.get(browser="Chrome on Android")
    client.post(
        reverse("staff-security"),
        {"action": "end-session", "session": str(phone_session.pk)},
    )
    assert phone.get("/admin/")["Location"].startswith(reverse("admin:login"))
    assert client.get("/admin/").status_code == 200
    assert events_of(person, Kind.SESSION_ENDED).count() == 1


def test_changing_the_password_ends_the_other_sessions(client):
    person = make_person()
    sign_in(client, person)
    laptop = Client()
    sign_in(laptop, person)
    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/admin/")["Location"].startswith(reverse("admin:login"))
    assert client.get("/admin/").status_code == 200
    listed = client.get(reverse("staff-security")).context["sessions"]
    assert len(listed) == 1
    assert events_of(person, Kind.PASSWORD_CHANGED).exists()


def test_a_sign_in_from_a_new_browser_is_told_by_email(
    client, django_capture_on_commit_callbacks
):
    person = make_person()
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(client, person)
    assert mail.outbox == []  # the account's first browser
    client.post(reverse("admin:logout"))
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(client, person)
    assert mail.outbox == []  # the same browser, known by its cookie
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(
            Client(), person, browser="Mozilla/5.0 (Macintosh; Mac OS X) Safari/605"
        )
    [message] = mail.outbox
    assert message.to == [person.email]
    assert "Safari on macOS" in message.body
    assert reverse("staff-security") in message.body
    assert KnownBrowser.objects.filter(user=person).count() == 2
    assert events_of(person, Kind.NEW_BROWSER).count() == 1


# The log


def test_the_security_log_is_for_superusers(client):
    person = make_person()
    sign_in(client, person, password="not it")
    assert SecurityEvent.objects.filter(kind=Kind.SIGN_IN_FAILED).exists()
    log = reverse("admin:articles_securityevent_changelist")
    sign_in(client, person)
    assert client.get(log).status_code == 403
    client.force_login(User.objects.create_superuser("boss", "b@x.example", PASSWORD))
    assert client.get(log).status_code == 200


def test_no_password_or_code_reaches_the_log_or_the_events(client, caplog):
    person = make_person()
    app = with_app(person)
    with caplog.at_level(logging.DEBUG):
        sign_in(client, person, password="the wrong passphrase")
        sign_in(client, person)
        verify(client, "987654")
        good = code_of(app)
        verify(client, good)
    logged = caplog.text + " ".join(
        " ".join(map(str, event.__dict__.values()))
        for event in SecurityEvent.objects.all()
    )
    for secret in ("the wrong passphrase", PASSWORD, "987654", good, app.key):
        assert secret not in logged
    for attempt in AccessAttempt.objects.all():
        assert "987654" not in attempt.post_data


# Passwords


@pytest.mark.parametrize(
    "password, why",
    [
        ("short words", "at least 12 characters"),
        ("password1234", "too common"),
        ("editor-newsroom", "too similar"),
    ],
)
def test_passwords_follow_the_rules(client, password, why):
    person = make_person(username="editor-newsroom")
    sign_in(client, person)
    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": password,
            "new_password2": password,
        },
    )
    assert response.status_code == 200
    assert why in response.content.decode()


# Passkeys


def test_a_passkey_ceremony_left_too_long_is_refused(client, settings):
    person = make_person()
    sign_in(client, person)
    begun = client.post(
        reverse("staff-passkey-register-begin"), content_type="application/json"
    )
    assert begun.status_code == 200
    assert begun.json()["rp"]["id"] == "testserver"
    session = client.session
    session["newsroom_passkey_begun_at"] = time.time() - 3600
    session.save()
    late = client.post(
        reverse("staff-passkey-register-complete"),
        data={"id": "x"},
        content_type="application/json",
    )
    assert late.status_code == 400
    assert late.json()["code"] == "expired"
    assert events_of(person, Kind.CODE_FAILED).exists()


def test_a_passkey_answer_without_a_ceremony_is_refused(client):
    person = make_person()
    sign_in(client, person)
    response = client.post(
        reverse("staff-passkey-sign-in-complete"),
        data={"id": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not events_of(person, Kind.VERIFIED).exists()


def test_a_name_with_control_characters_is_refused_and_nothing_changes(client):
    person = make_person()
    app = with_app(person)
    sign_in(client, person)
    verify(client, code_of(app))
    response = client.post(
        reverse("staff-security"),
        {"action": "rename", "factor": app.persistent_id, "name": "Phone\x00two"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Give it a name you will recognise." in response.content.decode()
    assert TOTPDevice.objects.get(pk=app.pk).name == "Phone"


@pytest.mark.parametrize("username", ["მარიამ", "Ульвия", "Անի"])
def test_staff_named_in_any_script_sign_in_with_a_second_factor(client, username):
    person = make_person(username=username)
    app = with_app(person)
    sign_in(client, person, browser="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
    assert verify(client, code_of(app))["Location"] == "/admin/"
    page = client.get(reverse("staff-security")).content.decode()
    assert "Firefox on Linux" in page
    assert events_of(person, Kind.VERIFIED).get().username == username


@pytest.mark.parametrize(
    "target",
    [
        "/admin/account/security/",
        "/admin/account/verify/?next=//evil.example/",
        "/admin/account/verify/?next=/%E1%83%90%00",
        "/admin/account/app/",
        "/admin/account/recovery-codes/",
        "/admin/account/lockdown/",
        "/admin/account/%E1%83%90%E1%83%93%E1%83%9B/",
        "/admin/account/security/%00/",
        "/admin/account/passkeys/sign-in/begin/",
        "/admin/account/passkeys/register/complete/",
    ],
)
def test_hostile_requests_to_sign_in_security_get_no_server_error(target):
    """Through the WSGI application gunicorn runs, signed out: a redirect to
    the sign-in page, a refusal or a 404, never a 5xx."""
    for method in ("GET", "POST"):
        answer = WSGI().request(method, target)
        assert 300 <= answer["status"] < 500, (method, target, answer["status"])
        # Never sent to another site (the sign-in page checks `next` itself).
        location = answer["headers"].get("Location", "")
        assert urlsplit(location).netloc in ("", "testserver"), location

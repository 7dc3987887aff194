"""The emergency lockdown: `manage.py lockdown` and the superusers' button
(articles.accounts.lockdown)."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.admin import rules
from articles.models import (
    Article,
    KnownBrowser,
    Lockdown,
    PasswordResetRequired,
    SecurityEvent,
)
from tests.helpers import make_article, make_draft, make_image, make_scheduled
from tests.test_staff_security import (
    PASSWORD,
    code_of,
    make_person,
    sign_in,
    with_app,
)

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind


def run(*args):
    out = StringIO()
    call_command("lockdown", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def newsroom():
    editor = make_person("Editor")
    reporter = make_person("Reporter")
    boss = User.objects.create_superuser("boss", "boss@newsroom.example", PASSWORD)
    clients = {}
    for person in (editor, reporter, boss):
        clients[person.username] = Client()
        sign_in(clients[person.username], person)
    return editor, reporter, boss, clients


def test_it_ends_every_staff_session_but_break_glass_ones(newsroom):
    editor, reporter, boss, clients = newsroom
    said = run("--break-glass", "boss")
    assert "Lockdown in force" in said
    for name in (editor.username, reporter.username):
        response = clients[name].get("/admin/")
        assert response["Location"].startswith(reverse("admin:login"))
    assert clients["boss"].get("/admin/").status_code == 200
    assert set(
        PasswordResetRequired.objects.values_list("user__username", flat=True)
    ) == {
        editor.username,
        reporter.username,
    }
    assert not KnownBrowser.objects.filter(user=editor, forgotten=False).exists()
    assert KnownBrowser.objects.filter(user=boss, forgotten=False).exists()
    event = SecurityEvent.objects.get(kind=Kind.LOCKDOWN)
    assert "command line" in event.actor
    assert "break-glass: boss" in event.detail


def test_staff_choose_a_new_password_before_anything_else_after_a_lockdown(newsroom):
    editor, _reporter, _boss, _clients = newsroom
    run()
    client = Client()
    sign_in(client, editor)
    response = client.get("/admin/articles/article/")
    assert response["Location"].startswith(reverse("admin:password_change"))
    assert client.get(reverse("admin:password_change")).status_code == 200
    client.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
    )
    assert not PasswordResetRequired.objects.filter(user=editor).exists()
    assert client.get("/admin/articles/article/").status_code == 200


def test_it_freezes_publishing_while_reader_pages_keep_serving(client, newsroom):
    editor, *_ = newsroom
    live = make_article(headline="Live story")
    draft = make_draft(headline="Draft story")
    run()
    assert client.get(live.get_absolute_url()).status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/feed/").status_code == 200
    for publish in (
        lambda: rules.article_publish(article=draft, user=editor),
        lambda: rules.article_unpublish(article=live, user=editor),
        lambda: rules.article_publish(
            article=draft, user=editor, at=timezone.now() + timezone.timedelta(days=1)
        ),
    ):
        with pytest.raises(rules.WorkflowError, match="Publishing is frozen"):
            publish()
    draft.refresh_from_db()
    live.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert live.is_live


def test_pictures_and_embeds_that_the_site_shows_are_frozen_too(newsroom):
    editor, *_ = newsroom
    picture, spare = make_image(), make_image()
    make_article(lead_image=picture, body="<p>One.</p><p>[embed:the-tweet]</p>")
    run()
    assert not rules.can_change_picture(editor, picture)
    assert rules.can_change_picture(editor, spare)
    assert not rules.can_change_embed(editor, "the-tweet")
    assert rules.can_change_embed(editor, "another-tweet")
    run("--lift")
    assert rules.can_change_picture(editor, picture)
    assert rules.can_change_embed(editor, "the-tweet")


def test_the_desk_says_publishing_is_frozen(newsroom):
    editor, *_ = newsroom
    draft = make_draft(headline="Draft story")
    run()
    client = Client()
    sign_in(client, editor)
    client.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
    )
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_now", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "Publishing is frozen" in response.content.decode()
    assert "Lockdown since" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_scheduled_stories_wait_for_the_lift(client):
    waiting = make_scheduled(headline="Due during the lockdown")
    run()
    # Its time comes while the lockdown is in force.
    Article.objects.filter(pk=waiting.pk).update(published_at=timezone.now())
    waiting.refresh_from_db()
    assert client.get(waiting.get_absolute_url()).status_code == 404
    assert waiting not in Article.objects.published()
    assert waiting in Article.objects.scheduled()
    assert "scheduled stories waiting: 1" in run("--status")

    assert "Lockdown lifted" in run("--lift")
    assert client.get(waiting.get_absolute_url()).status_code == 200
    assert SecurityEvent.objects.filter(kind=Kind.LOCKDOWN_LIFTED).exists()
    assert "No lockdown is in force" in run("--status")


def test_it_refuses_what_makes_no_sense_and_changes_nothing(newsroom):
    with pytest.raises(CommandError, match="No lockdown is in force"):
        run("--lift")
    with pytest.raises(CommandError, match="nobody"):
        run("--break-glass", "nobody")
    assert not Lockdown.objects.exists()
    assert not PasswordResetRequired.objects.exists()
    run()
    with pytest.raises(CommandError, match="already in force"):
        run()
    assert Lockdown.objects.count() == 1


def test_a_superuser_locks_down_and_lifts_from_the_admin_with_their_code():
    boss = User.objects.create_superuser("boss", "boss@newsroom.example", PASSWORD)
    app = with_app(boss)
    editor = make_person("Editor")
    theirs = Client()
    sign_in(theirs, editor)
    client = Client()
    sign_in(client, boss)
    client.post(reverse("staff-verify"), {"code": code_of(app), "next": "/admin/"})
    page = reverse("staff-lockdown")
    assert client.get(page).status_code == 200
    refused = client.post(page, {"code": ""})
    assert "Confirm it is you first" in refused.content.decode()
    assert not Lockdown.objects.exists()

    client.post(page, {"code": code_of(app, timezone.now().timestamp() + 30)})
    lockdown = Lockdown.objects.in_force()
    assert lockdown.started_by == "boss"
    assert lockdown.break_glass == ["boss"]
    assert theirs.get("/admin/")["Location"].startswith(reverse("admin:login"))
    assert client.get("/admin/").status_code == 200

    client.post(page, {"code": code_of(app, timezone.now().timestamp() + 60)})
    assert Lockdown.objects.in_force() is None
    assert Lockdown.objects.get().lifted_by == "boss"


def test_only_superusers_lock_down_or_lift(client):
    run()
    editor = make_person("Editor")
    client.force_login(editor)
    PasswordResetRequired.objects.all().delete()
    response = client.post(reverse("staff-lockdown"), {"password": PASSWORD})
    assert response.status_code == 403
    assert Lockdown.objects.in_force() is not None
    assert SecurityEvent.objects.filter(kind=Kind.REFUSED, user=editor).exists()

"""The review queue on the admin's home page, and the emails a move sends."""

import logging
import os
import runpy
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.urls import reverse

from articles.models import Article
from tests.admin_helpers import admin_url, as_user, form_data, make_staff
from tests.helpers import make_article, make_author, make_draft, make_scheduled

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def reporter():
    return make_staff("Reporter", email="aytan@example.org", first_name="Aytan")


@pytest.fixture
def editor():
    return make_staff("Editor", email="nino@example.org", first_name="Nino")


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Runs what waits for the commit (the emails), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def move(client, story, name, **changes):
    url = admin_url(Article, "change", story.pk)
    data = form_data(client.get(url), "article_form", move=name, **changes)
    return client.post(url, data)


def home(client):
    return client.get(reverse("admin:index"))


def panels(response):
    return {panel.title: panel for panel in response.context["queue"]}


def headlines(panel):
    return [item.story.headline for item in panel.items]


# The review queue.


def test_it_shows_editors_what_awaits_review_is_scheduled_and_went_out(
    client, reporter, editor
):
    waiting = make_draft(created_by=reporter, headline="Бакинцы вышли на митинг")
    move(as_user(client, reporter), waiting, "submit")
    make_scheduled(headline="Tomorrow's story")
    make_article(headline="Yesterday's story")
    make_draft(headline="Someone's draft")

    page = home(as_user(client, editor))
    shown = panels(page)
    assert list(shown) == ["Awaiting review", "Scheduled", "Recently published"]
    assert headlines(shown["Awaiting review"]) == ["Бакинцы вышли на митинг"]
    assert shown["Awaiting review"].items[0].said.startswith("Submitted by Aytan, ")
    assert headlines(shown["Scheduled"]) == ["Tomorrow's story"]
    assert headlines(shown["Recently published"]) == ["Yesterday's story"]
    html = page.content.decode()
    assert "Бакинцы вышли на митинг" in html
    assert admin_url(Article, "change", waiting.pk) in html


def test_it_shows_reporters_their_drafts_submissions_and_returns(
    client, reporter, editor
):
    writing = make_draft(created_by=reporter, headline="Still writing")
    sent = make_draft(created_by=reporter, headline="Sent in")
    back = make_draft(created_by=reporter, headline="Came back")
    make_draft(created_by=make_staff("Reporter"), headline="A colleague's draft")
    as_user(client, reporter)
    move(client, sent, "submit")
    move(client, back, "submit")
    comment = "Name the second source, or cut the claim."
    move(as_user(client, editor), back, "return", return_comment=comment)

    page = home(as_user(client, reporter))
    shown = panels(page)
    assert list(shown) == ["Returned", "My drafts", "Submitted"]
    assert headlines(shown["My drafts"]) == [writing.headline]
    assert headlines(shown["Submitted"]) == [sent.headline]
    assert headlines(shown["Returned"]) == [back.headline]
    returned = shown["Returned"].items[0]
    assert returned.said.startswith("Returned by Nino, ")
    assert returned.comment == f"“{comment}”"
    assert comment in page.content.decode()
    assert "A colleague's draft" not in page.content.decode()


def test_a_returned_story_stays_returned_while_the_reporter_edits_it(
    client, reporter, editor
):
    story = make_draft(created_by=reporter)
    move(as_user(client, reporter), story, "submit")
    move(as_user(client, editor), story, "return", return_comment="Shorter, please.")
    move(as_user(client, reporter), story, "save", headline="Shorter")
    assert headlines(panels(home(client))["Returned"]) == ["Shorter"]
    move(client, story, "submit")
    shown = panels(home(client))
    assert headlines(shown["Submitted"]) == ["Shorter"]
    assert shown["Returned"].items == []


def test_people_without_stories_see_no_queue(client):
    staff = User.objects.create_user("clerk", password="pw", is_staff=True)
    page = home(as_user(client, staff))
    assert page.status_code == 200
    assert page.context["queue"] == []


def test_the_queue_reads_a_bounded_number_of_queries(
    client, reporter, editor, django_assert_max_num_queries
):
    for number in range(12):
        story = make_draft(created_by=reporter, headline=f"Story {number}")
        move(as_user(client, reporter), story, "submit")
        make_scheduled()
        make_article()
    for n in range(12):
        make_draft(created_by=reporter, headline=f"Draft {n}")
    as_user(client, editor)
    # Two of them on every admin page: the session is still open (it may have
    # been ended elsewhere), and whether a lockdown is in force.
    with django_assert_max_num_queries(12):
        page = home(client)
    assert len(panels(page)["Awaiting review"].items) == 5
    assert panels(page)["Awaiting review"].more
    as_user(client, reporter)
    with django_assert_max_num_queries(10):
        home(client)


# Emails.


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_it_emails_the_editors_when_a_story_is_submitted(
    client, reporter, editor, after_commit
):
    other_editor = make_staff("Editor", email="giorgi@example.org")
    make_staff("Editor")  # no address: not told
    make_staff("Reporter", email="colleague@example.org")
    story = make_draft(created_by=reporter, headline="Ахалгори:\nthe crossing")
    with_publish = User.objects.create_user(
        "chief", email="chief@example.org", is_staff=True
    )
    with_publish.user_permissions.add(
        Permission.objects.get(codename="publish_article")
    )
    as_user(client, reporter)
    with after_commit():
        move(client, story, "submit")
    assert recipients() == sorted(
        ["nino@example.org", other_editor.email, "chief@example.org"]
    )
    message = mail.outbox[0]
    assert message.subject == "For review: Ахалгори: the crossing"
    assert "Aytan submitted “Ахалгори: the crossing” for review." in message.body
    assert f"http://testserver/admin/articles/article/{story.pk}/change/" in (
        message.body
    )
    assert message.content_subtype == "plain"


def test_it_emails_the_writer_and_bylined_authors_a_return_with_the_comment(
    client, reporter, editor, settings, after_commit
):
    settings.NEWSROOM_ADMIN_ORIGIN = "https://desk.example.org"
    photographer = make_staff("Reporter", email="leyla@example.org")
    story = make_article(
        status=Article.Status.REVIEW,
        created_by=reporter,
        authors=[make_author(user=photographer), make_author()],
    )
    comment = "The caption names the wrong village."
    as_user(client, editor)
    with after_commit():
        move(client, story, "return", return_comment=comment)
    assert recipients() == ["aytan@example.org", "leyla@example.org"]
    body = mail.outbox[0].body
    assert comment in body
    assert "Nino returned" in body
    assert f"https://desk.example.org/admin/articles/article/{story.pk}/change/" in body


def test_it_emails_the_writer_when_the_story_is_published(
    client, reporter, editor, after_commit
):
    story = make_article(status=Article.Status.REVIEW, created_by=reporter)
    as_user(client, editor)
    with after_commit():
        move(client, story, "publish")
    assert recipients() == ["aytan@example.org"]
    assert mail.outbox[0].subject == f"Published: {story.headline}"
    assert f"http://testserver{story.get_absolute_url()}" in mail.outbox[0].body


def test_it_emails_from_the_list_actions_too(client, reporter, editor, after_commit):
    story = make_draft(created_by=reporter)
    as_user(client, editor)
    with after_commit():
        client.post(
            admin_url(Article),
            {"action": "publish_now", "_selected_action": [story.pk]},
        )
    assert recipients() == ["aytan@example.org"]


def test_nobody_is_told_of_their_own_move_or_of_a_plain_save(
    client, editor, after_commit
):
    story = make_draft(created_by=editor)
    as_user(client, editor)
    with after_commit():
        move(client, story, "save", headline="Saved")
        move(client, story, "publish")
    assert mail.outbox == []


def test_a_refused_move_sends_nothing(client, reporter, editor, after_commit):
    story = make_draft(created_by=reporter)
    as_user(client, editor)
    with after_commit():
        move(client, story, "schedule")  # no time: refused
        client.post(admin_url(Article, "change", story.pk), {"move": "return"})
    as_user(client, reporter)
    with after_commit():
        move(client, story, "publish")  # 403
    story.refresh_from_db()
    assert story.state == Article.State.DRAFT
    assert mail.outbox == []


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_failing_mail_server_never_fails_the_move(
    client, reporter, editor, settings, caplog, after_commit
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 2
    story = make_draft(created_by=reporter)
    as_user(client, reporter)
    with caplog.at_level(logging.ERROR), after_commit():
        response = move(client, story, "submit")
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.state == Article.State.REVIEW
    assert "Could not send “For review:" in caplog.text


@pytest.mark.parametrize(
    ("variables", "said"),
    [
        ({"DJANGO_EMAIL_BACKEND": "sendmail"}, "DJANGO_EMAIL_BACKEND must be smtp"),
        (
            {"DJANGO_EMAIL_USE_TLS": "on", "DJANGO_EMAIL_USE_SSL": "on"},
            "cannot both be on",
        ),
        ({"NEWSROOM_ADMIN_ORIGIN": "news.example.org"}, "NEWSROOM_ADMIN_ORIGIN must"),
        ({"NEWSROOM_ADMIN_ORIGIN": "https://x.org/admin/"}, "NEWSROOM_ADMIN_ORIGIN"),
    ],
)
def test_bad_email_settings_stop_the_app_naming_the_variable(variables, said):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SECRET_KEY": "email-settings-test-" + "x" * 40,
        **variables,
    }
    result = subprocess.run(
        [sys.executable, "-c", "import newsroom.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert said in result.stderr


def test_the_email_settings_read_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_EMAIL_BACKEND", "console")
    monkeypatch.setenv("DJANGO_EMAIL_HOST", "smtp.example.org")
    monkeypatch.setenv("DJANGO_EMAIL_PORT", "465")
    monkeypatch.setenv("DJANGO_EMAIL_USE_TLS", "off")
    monkeypatch.setenv("DJANGO_EMAIL_USE_SSL", "on")
    monkeypatch.setenv("NEWSROOM_ADMIN_ORIGIN", "https://news.example.org/")
    read = runpy.run_path(str(ROOT / "newsroom" / "settings.py"))
    assert read["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert (read["EMAIL_HOST"], read["EMAIL_PORT"]) == ("smtp.example.org", 465)
    assert read["EMAIL_USE_SSL"] and not read["EMAIL_USE_TLS"]
    assert read["NEWSROOM_ADMIN_ORIGIN"] == "https://news.example.org"

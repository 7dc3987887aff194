"""Editions at the desk: a story's language is an edition, its translations
are shown and added from its form, the story list filters by language, and
each staff member's admin (and email) speaks the language they chose."""

import pytest
from django.core import mail

from articles.models import Article, StaffProfile
from tests.admin_helpers import admin_url, as_user, form_data, make_staff
from tests.helpers import (
    house_outlet,
    make_article,
    make_author,
    make_image,
    make_section,
)
from tests.test_admin_words import page_of
from tests.test_review import move

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    return as_user(client, make_staff("Editor", email="editor@example.org"))


def test_the_story_form_offers_the_editions_and_refuses_another_language(editor):
    house_outlet()
    section = make_section()
    page = editor.get(admin_url(Article, "add"))
    html = page.content.decode()
    assert '<option value="ru">Русский (ru)</option>' in html
    assert '<option value="ka">ქართული (ka)</option>' in html
    data = form_data(
        page, "article_form", headline="Київ", section=section.pk, language="uk"
    )
    response = editor.post(admin_url(Article, "add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["language"]
    assert "English (en), Русский (ru), ქართული (ka), Azərbaycanca (az)" in errors[0]
    assert not Article.objects.filter(headline="Київ").exists()
    # A fuller tag within an edition is a language of that edition.
    data["language"] = "az-Latn"
    response = editor.post(admin_url(Article, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_a_story_kept_in_another_language_keeps_it_on_offer(editor):
    story = make_article(language="uk")
    _, html = page_of(editor, admin_url(Article, "change", story.pk))
    assert '<option value="uk" selected>uk</option>' in html


def test_add_a_translation_starts_from_the_original(editor):
    section = make_section(name="Politics")
    picture = make_image()
    first, second = make_author(name="Nino"), make_author(name="Rauf")
    original = make_article(
        headline="Rally in Baku",
        section=section,
        lead_image=picture,
        lead_image_caption="The crowd",
        lead_image_credit="JAMnews",
        authors=[first, second],
        tags=["Baku", "Ukraine"],
    )
    make_article(language="ru", translation_of=original, headline="Митинг")
    _, html = page_of(editor, admin_url(Article, "change", original.pk))
    assert "Митинг" in html
    add = f"{admin_url(Article, 'add')}?translation_of={original.pk}"
    assert f'href="{add}"' in html
    page = editor.get(add)
    form = page.context["adminform"].form
    assert form.initial["translation_of"] == original.pk
    assert form.initial["section"] == section.pk
    assert form.initial["lead_image"] == picture.pk
    assert form.initial["lead_image_caption"] == "The crowd"
    assert form.initial["lead_image_credit"] == "JAMnews"
    assert form.initial["language"] == "ka"  # the first edition not yet written
    data = form_data(page, "article_form", headline="ბაქოში აქცია")
    assert data["bylines-TOTAL_FORMS"] == "2"
    assert data["bylines-0-author"] == str(first.pk)
    assert data["bylines-1-author"] == str(second.pk)
    response = editor.post(add, data)
    assert response.status_code == 302
    translation = Article.objects.get(headline="ბაქოში აქცია")
    assert translation.translation_of == original
    assert translation.language == "ka"
    assert translation.section == section
    assert translation.lead_image == picture
    assert sorted(t.name for t in translation.tags.all()) == ["Baku", "Ukraine"]
    assert [b.author for b in translation.bylines.all()] == [first, second]


def test_a_translation_of_nothing_starts_an_empty_story(editor):
    for junk in ["x", "٣", "-1", "99999", "1 OR 1=1", ""]:
        response = editor.get(f"{admin_url(Article, 'add')}?translation_of={junk}")
        assert response.status_code == 200, junk
        assert "translation_of" not in response.context["adminform"].form.initial


def test_the_story_list_filters_by_language(editor):
    make_article(headline="English story")
    make_article(headline="Русская история", language="ru")
    make_article(headline="Bakı xəbərləri", language="az-Latn")
    _, html = page_of(editor, admin_url(Article) + "?edition=az")
    assert "Bakı xəbərləri" in html
    assert "English story" not in html
    _, html = page_of(editor, admin_url(Article) + "?edition=ru")
    assert "Русская история" in html
    assert "Bakı xəbərləri" not in html


def test_staff_choose_the_language_of_their_admin(client):
    user = make_staff("Editor")
    as_user(client, user)
    _, html = page_of(client, "/admin/")
    assert '<html lang="en"' in html
    assert 'href="/admin/language/"' in html
    response = client.post("/admin/language/", {"language": "ka"})
    assert response.status_code == 302
    assert StaffProfile.objects.get(user=user).language == "ka"
    _, html = page_of(client, "/admin/")
    assert '<html lang="ka"' in html
    assert "Site administration" not in html  # Django's own words, in Georgian
    # The choice is kept with the account: it comes back at the next sign-in.
    client.logout()
    as_user(client, user)
    _, html = page_of(client, "/admin/")
    assert '<html lang="ka"' in html
    # Public pages keep the language of their address.
    assert '<html lang="en"' in client.get("/").content.decode()
    assert client.post("/admin/language/", {"language": "xx"}).status_code == 200
    assert StaffProfile.objects.get(user=user).language == "ka"
    client.post("/admin/language/", {"language": ""})
    _, html = page_of(client, "/admin/")
    assert '<html lang="en"' in html


def test_the_admin_before_sign_in_follows_the_browser(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="ru")
    assert '<html lang="ru"' in response.content.decode()
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="xx")
    assert '<html lang="en"' in response.content.decode()


def test_emails_speak_each_recipients_language(
    client, django_capture_on_commit_callbacks
):
    writer = make_staff("Reporter", email="writer@example.org")
    StaffProfile.objects.create(
        user=make_staff("Editor", email="en@example.org"), language=""
    )
    StaffProfile.objects.create(
        user=make_staff("Editor", email="ka@example.org"), language="ka"
    )
    story = make_article(status="draft", headline="Rally", created_by=writer)
    as_user(client, writer)
    with django_capture_on_commit_callbacks(execute=True):
        move(client, story, "submit")
    sent = {message.to[0]: message for message in mail.outbox}
    assert sent["en@example.org"].subject == "For review: Rally"
    assert sent["ka@example.org"].subject != "For review: Rally"
    assert "Rally" in sent["ka@example.org"].subject

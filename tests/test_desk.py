"""The story form's desk: autosaves kept and offered back, and the live preview."""

import json
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.admin.desk import AUTOSAVE_MAX_BYTES
from articles.models import Article, Autosave, Byline, Tag
from tests.admin_helpers import admin_url, as_user, form_data, make_staff
from tests.helpers import (
    house_outlet,
    make_article,
    make_author,
    make_draft,
    make_embed,
    make_image,
    make_prompt,
    make_section,
    page_text,
)
from tests.test_security import policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_staff("Editor")


@pytest.fixture
def reporter():
    return make_staff("Reporter")


def autosave_url(story=None):
    if story is None:
        return reverse("admin:articles_article_autosave_new")
    return reverse("admin:articles_article_autosave", args=[story.pk])


def preview_url(story=None):
    if story is None:
        return reverse("admin:articles_article_live_preview_new")
    return reverse("admin:articles_article_live_preview", args=[story.pk])


def autosave(client, story=None, raw=None, **fields):
    sent = raw if raw is not None else json.dumps({"fields": fields})
    return client.post(autosave_url(story), sent, content_type="application/json")


def story_form(client, story=None, **changes):
    """What the story form posts, as the browser has it, with `changes` typed in."""
    url = (
        admin_url(Article, "add")
        if story is None
        else admin_url(Article, "change", story.pk)
    )
    return form_data(client.get(url), "article_form", **changes)


def desk_script(response):
    """The desk script's tag on the story form's page, or None."""
    found = re.search(r"<script[^>]*admin-desk\.js[^>]*>", response.content.decode())
    return found[0] if found else None


# Autosave: kept, and refused.


def test_it_keeps_an_autosave_apart_from_the_story(client, editor):
    story = make_draft(headline="Saved headline")
    as_user(client, editor)
    response = autosave(client, story, headline="Typed headline", body="<p>Typed</p>")
    assert response.status_code == 200
    assert re.fullmatch(r"\d\d:\d\d", response.json()["saved_at"])
    kept = Autosave.objects.get(user=editor, story=story)
    assert kept.data["fields"]["headline"] == ["Typed headline"]
    story.refresh_from_db()
    assert story.headline == "Saved headline"
    assert not Version.objects.get_for_object(story).exists()


def test_it_keeps_one_autosave_per_user_and_story(client, editor):
    story = make_draft()
    as_user(client, editor)
    autosave(client, story, headline="First")
    autosave(client, story, headline="Second")
    autosave(client, None, headline="A new story")
    autosave(client, None, headline="A new story, longer")
    assert Autosave.objects.filter(user=editor).count() == 2
    assert Autosave.objects.get(story=story).data["fields"]["headline"] == ["Second"]
    new = Autosave.objects.get(story=None)
    assert new.data["fields"]["headline"] == ["A new story, longer"]


def test_it_keeps_only_the_forms_own_fields(client, editor):
    story = make_draft()
    as_user(client, editor)
    autosave(
        client,
        story,
        headline="Тбилиси",
        opened_at="2020-01-01T00:00:00+00:00",
        csrfmiddlewaretoken="x",
        is_superuser="on",
        **{
            "bylines-TOTAL_FORMS": "1",
            "bylines-0-author": "7",
            "bylines-0-password": "x",
            "nowhere-0-author": "7",
        },
    )
    fields = Autosave.objects.get().data["fields"]
    assert set(fields) == {"headline", "bylines-TOTAL_FORMS", "bylines-0-author"}


def test_it_refuses_to_autosave_into_someone_elses_story(client, reporter):
    story = make_draft(created_by=make_staff("Reporter"))
    as_user(client, reporter)
    assert autosave(client, story, headline="Mine now").status_code == 403
    assert not Autosave.objects.exists()


def test_it_refuses_a_reporter_autosaving_a_live_story(client, reporter):
    story = make_article(created_by=reporter)
    as_user(client, reporter)
    assert autosave(client, story, headline="Changed live").status_code == 403
    assert not Autosave.objects.exists()


def test_it_lets_a_reporter_autosave_their_draft_and_a_new_story(client, reporter):
    story = make_draft(created_by=reporter)
    as_user(client, reporter)
    assert autosave(client, story, headline="Ours").status_code == 200
    assert autosave(client, None, headline="Новая").status_code == 200
    assert Autosave.objects.filter(user=reporter).count() == 2


def test_it_refuses_an_autosave_over_a_megabyte(client, editor):
    story = make_draft()
    as_user(client, editor)
    body = "<p>" + "x" * AUTOSAVE_MAX_BYTES + "</p>"
    response = autosave(client, story, raw=json.dumps({"fields": {"body": body}}))
    assert response.status_code == 413
    assert not Autosave.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[]",
        json.dumps({"fields": "headline"}),
        json.dumps({"fields": {"headline": 7}}),
        json.dumps({"fields": {"headline": [["nested"]]}}),
    ],
)
def test_it_refuses_an_autosave_that_is_not_the_forms_json(client, editor, body):
    story = make_draft()
    as_user(client, editor)
    response = autosave(client, story, raw=body)
    assert response.status_code == 400
    assert not Autosave.objects.exists()


def test_it_refuses_an_autosave_without_the_csrf_token(editor):
    story = make_draft()
    client = as_user(Client(enforce_csrf_checks=True), editor)
    assert autosave(client, story, headline="Forged").status_code == 403
    assert not Autosave.objects.exists()


def test_it_refuses_an_autosave_of_a_missing_story(client, editor):
    as_user(client, editor)
    url = reverse("admin:articles_article_autosave", args=[987654])
    response = client.post(url, "{}", content_type="application/json")
    assert response.status_code == 404


def test_autosaves_leave_cached_pages_alone(client, editor):
    story = make_article(headline="Cached story")
    client.get(story.get_absolute_url())
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "hit"
    as_user(Client(), editor)
    autosave(as_user(Client(), editor), story, headline="Typed")
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "hit"


# Offered back, discarded, and gone once the story is saved.


def test_it_offers_an_autosave_newer_than_the_last_save(client, editor):
    story = make_draft(headline="Saved headline")
    as_user(client, editor)
    autosave(client, story, headline="Typed headline")
    page = client.get(admin_url(Article, "change", story.pk))
    assert re.search(r'data-autosave-offer="\d\d:\d\d"', desk_script(page))
    restored = client.get(autosave_url(story)).json()
    assert restored["fields"]["headline"] == ["Typed headline"]


def test_it_offers_a_new_story_back_on_the_add_form(client, editor):
    as_user(client, editor)
    autosave(client, None, headline="Half-written")
    page = client.get(admin_url(Article, "add"))
    assert re.search(r'data-autosave-offer="\d\d:\d\d"', desk_script(page))
    assert client.get(autosave_url()).json()["fields"]["headline"] == ["Half-written"]


def test_it_offers_nothing_older_than_the_last_save(client, editor):
    story = make_draft(headline="Saved headline")
    as_user(client, editor)
    autosave(client, story, headline="Typed long ago")
    Autosave.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    page = client.get(admin_url(Article, "change", story.pk))
    assert 'data-autosave-offer=""' in desk_script(page)
    assert client.get(autosave_url(story)).status_code == 404


def test_it_offers_nothing_of_another_users(client, editor):
    story = make_draft()
    autosave(as_user(Client(), make_staff("Editor")), story, headline="Theirs")
    as_user(client, editor)
    page = client.get(admin_url(Article, "change", story.pk))
    assert 'data-autosave-offer=""' in desk_script(page)
    assert client.get(autosave_url(story)).status_code == 404


def test_discarding_removes_the_autosave(client, editor):
    story = make_draft()
    as_user(client, editor)
    autosave(client, story, headline="Typed")
    assert client.delete(autosave_url(story)).status_code == 204
    assert not Autosave.objects.exists()


def test_saving_the_story_removes_its_autosave(client, editor):
    story = make_draft(headline="Saved headline")
    as_user(client, editor)
    data = story_form(client, story, headline="Saved again")
    autosave(client, story, headline="Saved again")
    response = client.post(admin_url(Article, "change", story.pk), data)
    assert response.status_code == 302
    assert not Autosave.objects.exists()
    story.refresh_from_db()
    assert story.headline == "Saved again"


def test_saving_a_new_story_removes_the_new_story_autosave(client, editor):
    as_user(client, editor)
    data = story_form(
        client,
        headline="Brand new",
        body="<p>Text</p>",
        section=make_section().pk,
        outlet=house_outlet().pk,
        language="en",
    )
    autosave(client, None, headline="Brand new")
    response = client.post(admin_url(Article, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.filter(headline="Brand new").exists()
    assert not Autosave.objects.exists()


def test_a_refused_save_keeps_the_autosave_and_every_input(client, editor):
    story = make_draft(headline="Saved headline")
    author = make_author(name="Nino Ivanishvili")
    as_user(client, editor)
    data = story_form(
        client,
        story,
        headline="",
        body="<p>Typed paragraph</p>",
        **{
            "bylines-TOTAL_FORMS": "1",
            "bylines-0-author": str(author.pk),
            "bylines-0-position": "0",
        },
    )
    autosave(client, story, headline="")
    response = client.post(admin_url(Article, "change", story.pk), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Typed paragraph" in content
    assert re.search(rf'<option value="{author.pk}" selected>', content)
    assert Autosave.objects.exists()
    # The typing is on the page: an offer of the autosave would only confuse.
    assert 'data-autosave-offer=""' in desk_script(response)


def test_a_new_story_starts_at_its_headline_and_a_refused_one_at_its_error(
    client, editor
):
    as_user(client, editor)
    headline = re.compile(r'<input type="text" name="headline"[^>]*>')
    page = client.get(admin_url(Article, "add")).content.decode()
    assert "autofocus" in headline.search(page)[0]
    # Django's script would put the cursor on the publishing bar's first button.
    assert "admin/js/change_form" not in page
    refused = client.post(admin_url(Article, "add"), {"headline": ""})
    assert refused.status_code == 200
    assert "autofocus" not in headline.search(refused.content.decode())[0]


def test_the_form_tells_its_scripts_where_to_keep_and_preview(client, reporter):
    story = make_draft(created_by=reporter)
    as_user(client, reporter)
    for url, story_or_none in (
        (admin_url(Article, "change", story.pk), story),
        (admin_url(Article, "add"), None),
    ):
        content = client.get(url).content.decode()
        assert f'data-autosave-url="{autosave_url(story_or_none)}"' in content
        assert f'data-preview-url="{preview_url(story_or_none)}"' in content


def test_the_desk_is_not_on_a_form_the_user_may_not_save(client, reporter):
    story = make_article(created_by=reporter)
    as_user(client, reporter)
    page = client.get(admin_url(Article, "change", story.pk))
    assert page.status_code == 200
    assert "admin-desk" not in page.content.decode()


# The live preview.


def test_the_preview_renders_the_unsaved_form(client, editor):
    author = make_author(name="Aytan Əliyeva")
    picture = make_image(title="Harbour at dawn")
    story = make_draft(headline="Saved headline", authors=[author])
    as_user(client, editor)
    data = story_form(
        client,
        story,
        headline="Typed headline",
        body="<p>Typed paragraph</p><script>alert(1)</script>",
        tags="Батуми, harbour",
        lead_image=str(picture.pk),
    )
    counts = counts_of_everything(story)
    response = client.post(preview_url(story), data)
    assert response.status_code == 200
    text = page_text(response)
    assert "Typed headline" in text and "Typed paragraph" in text
    assert "Aytan Əliyeva" in text and "Батуми" in text
    assert "alert(1)" not in response.content.decode()
    assert f'alt="{picture.alt_text}"' in response.content.decode()
    assert counts_of_everything(story) == counts
    story.refresh_from_db()
    assert story.headline == "Saved headline"


def counts_of_everything(story):
    return (
        Article.objects.count(),
        Version.objects.count(),
        Tag.objects.count(),
        Byline.objects.count(),
        story.tags.count(),
        Article.objects.get(pk=story.pk).updated_at,
    )


def test_the_preview_shows_bylines_typed_into_the_form(client, editor):
    story = make_draft()
    author = make_author(name="Giorgi Lomtadze")
    as_user(client, editor)
    data = story_form(
        client,
        story,
        **{
            "bylines-TOTAL_FORMS": "1",
            "bylines-0-author": str(author.pk),
            "bylines-0-position": "0",
        },
    )
    response = client.post(preview_url(story), data)
    assert "By Giorgi Lomtadze" in page_text(response)
    assert not Byline.objects.exists()


def test_the_preview_shows_the_prompts_and_embeds_the_typed_story_gets(client, editor):
    batumi = Tag.objects.create(name="Батуми", slug="batumi")
    make_prompt(heading="Keep Batumi reporting free", tags=[batumi])
    embed = make_embed(text="<p>Words from the harbour</p>")
    story = make_draft()
    as_user(client, editor)
    data = story_form(
        client, story, tags="Батуми", body=f"<p>One.</p><p>[embed:{embed.slug}]</p>"
    )
    text = page_text(client.post(preview_url(story), data))
    assert "Keep Batumi reporting free" in text
    assert "Words from the harbour" in text
    assert not story.tags.exists()


def test_the_preview_renders_a_new_story_without_saving_it(client, reporter):
    as_user(client, reporter)
    data = story_form(
        client,
        headline="Ереван: первая новость",
        body="<p>Новый текст</p>",
        section=make_section(name="Armenia").pk,
        outlet=house_outlet().pk,
        language="ru",
    )
    response = client.post(preview_url(), data)
    assert response.status_code == 200
    text = page_text(response)
    assert "Ереван: первая новость" in text and "Новый текст" in text
    assert not Article.objects.exists()
    assert not Version.objects.exists()


def test_the_preview_names_the_first_error_of_a_form_that_cannot_be_saved(
    client, editor
):
    story = make_draft()
    as_user(client, editor)
    data = story_form(client, story, headline="")
    response = client.post(preview_url(story), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert (
        'name="newsroom-preview-error" content="Headline: This field is required."'
        in content
    )


def test_the_preview_is_never_cached_and_only_the_admin_may_frame_it(client, editor):
    story = make_draft()
    as_user(client, editor)
    response = client.post(preview_url(story), story_form(client, story))
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert policy(response)["frame-ancestors"] == ["'self'"]


def test_the_preview_keeps_the_readers_policy(client, editor):
    story = make_draft()
    reader_page = Client().get(make_article().get_absolute_url())
    as_user(client, editor)
    response = client.post(preview_url(story), story_form(client, story))
    readers = policy(reader_page)
    previews = policy(response)
    assert previews.pop("frame-ancestors") == ["'self'"]
    readers.pop("frame-ancestors")
    assert previews == readers
    assert "<script src" not in response.content.decode()


def test_the_story_form_itself_may_not_be_framed(client, editor):
    story = make_draft()
    as_user(client, editor)
    page = client.get(admin_url(Article, "change", story.pk))
    assert page["X-Frame-Options"] == "DENY"
    assert policy(page)["frame-ancestors"] == ["'none'"]


def test_the_preview_refuses_people_who_may_not_edit_the_story(client, reporter):
    someone_elses = make_draft(created_by=make_staff("Reporter"))
    live = make_article(created_by=reporter)
    as_user(client, reporter)
    for story in (someone_elses, live):
        response = client.post(preview_url(story), {"headline": "Mine"})
        assert response.status_code == 403


def test_the_preview_refuses_readers(client):
    story = make_draft()
    response = client.post(preview_url(story), {"headline": "Anyone"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_preview_takes_only_posts(client, editor):
    story = make_draft()
    as_user(client, editor)
    assert client.get(preview_url(story)).status_code == 405


# Clearing old autosaves.


def test_the_command_clears_autosaves_older_than_the_days_given(editor):
    old, recent = make_draft(), make_draft()
    Autosave.objects.create(user=editor, story=old, data={"fields": {}})
    Autosave.objects.create(user=editor, story=recent, data={"fields": {}})
    Autosave.objects.filter(story=old).update(
        updated_at=timezone.now() - timedelta(days=31)
    )
    out = StringIO()
    call_command("clear_autosaves", "--older-than", "30", stdout=out)
    assert "1 autosave(s) older than 30 day(s) removed." in out.getvalue()
    assert list(Autosave.objects.values_list("story", flat=True)) == [recent.pk]
    call_command("clear_autosaves", stdout=out)  # again: nothing more to remove
    assert Autosave.objects.count() == 1


def test_the_command_refuses_a_negative_number_of_days(db):
    with pytest.raises(CommandError, match="number of days"):
        call_command("clear_autosaves", "--older-than", "-1", stdout=StringIO())

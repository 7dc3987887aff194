"""Old WordPress addresses answer with a 301 to the new page, and are listed
and edited in the admin."""

import pytest
from django.core.exceptions import ValidationError

from articles.models import Section, Tag
from articles.wordpress.models import ImportedItem, OldAddress
from tests.wordpress_helpers import run_import, story

pytestmark = pytest.mark.django_db

GEORGIAN = "/2021/05/14/%E1%83%90%E1%83%A0%E1%83%A9%E1%83%94%E1%83%95%E1%83%9C%E1%83%94%E1%83%91%E1%83%98/"


@pytest.fixture
def imported(db):
    run_import()


def moved_to(response):
    assert response.status_code == 301, response.status_code
    return response["Location"]


def test_it_sends_a_story_permalink_to_the_story(client, imported):
    rally = story(200)
    response = client.get("/baku-rallies-in-support-of-ukraine-photo-report/")
    assert moved_to(response) == rally.get_absolute_url()
    assert response["Cache-Control"] == "private, max-age=3600"
    # Asked again: still the redirect, never a page kept in its place.
    response = client.get("/baku-rallies-in-support-of-ukraine-photo-report/")
    assert moved_to(response) == rally.get_absolute_url()
    assert "X-Page-Cache" not in response


def test_it_sends_wordpress_plain_links_to_the_story(client, imported):
    assert moved_to(client.get("/?p=200")) == story(200).get_absolute_url()
    assert moved_to(client.get("/?p=201")) == story(201).get_absolute_url()


@pytest.mark.parametrize(
    "path",
    [
        "/2022/03/07/baku-rallies-in-support-of-ukraine-photo-report/",
        "/2022/03/baku-rallies-in-support-of-ukraine-photo-report/",
        "/2022/03/07/baku-rallies-in-support-of-ukraine-photo-report",
    ],
)
def test_it_sends_date_based_addresses_to_the_story(client, imported, path):
    assert moved_to(client.get(path)) == story(200).get_absolute_url()


@pytest.mark.parametrize(
    "path",
    [
        # As WordPress writes it (lower case) and as browsers send it.
        "/%d0%bc%d0%b8%d1%82%d0%b8%d0%bd%d0%b3-%d0%b2-%d0%b1%d0%b0%d0%ba%d1%83/",
        "/%D0%BC%D0%B8%D1%82%D0%B8%D0%BD%D0%B3-%D0%B2-%D0%B1%D0%B0%D0%BA%D1%83/",
    ],
)
def test_it_sends_non_latin_permalinks_to_the_story(client, imported, path):
    assert moved_to(client.get(path)) == story(201).get_absolute_url()


def test_it_sends_a_georgian_date_based_permalink_to_the_story(client, imported):
    assert moved_to(client.get(GEORGIAN)) == story(207).get_absolute_url()


def test_it_sends_category_tag_and_author_addresses_to_their_pages(client, imported):
    politics = Section.objects.get(name="Политика")
    response = client.get("/category/%D0%BF%D0%BE%D0%BB%D0%B8%D1%82%D0%B8%D0%BA%D0%B0/")
    assert moved_to(response) == politics.get_absolute_url()
    photo = Section.objects.get(name="Photo report")
    assert moved_to(client.get("/category/news/photo-report/")) == (
        photo.get_absolute_url()
    )
    assert moved_to(client.get("/?cat=3")) == photo.get_absolute_url()
    tbilisi = Tag.objects.get(name="თბილისი")
    response = client.get(
        "/tag/%E1%83%97%E1%83%91%E1%83%98%E1%83%9A%E1%83%98%E1%83%A1%E1%83%98/"
    )
    assert moved_to(response) == tbilisi.get_absolute_url()
    anna = story(201).byline_authors[0]
    assert moved_to(client.get("/?author=3")) == anna.get_absolute_url()
    assert client.get(anna.get_absolute_url()).status_code == 200


def test_it_never_leads_to_a_story_readers_may_not_see(client, imported):
    for wp_id in (202, 203, 204, 205):  # scheduled, draft, pending, private
        response = client.get(f"/?p={wp_id}")
        assert response.status_code == 200  # the home page, not a redirect
        assert story(wp_id).slug not in response.content.decode()
    assert client.get("/notes-for-the-desk/").status_code == 404
    assert OldAddress.objects.filter(path="/notes-for-the-desk").exists()


def test_it_leaves_other_missing_pages_and_our_own_pages_alone(client, imported):
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/").status_code == 200
    assert client.get("/%ff%fe/").status_code == 404
    assert client.get("/" + "a" * 3000 + "/").status_code == 404


def test_it_follows_a_story_whose_address_changed_here(client, imported):
    rally = story(200)
    rally.slug = "baku-rally"
    rally.save()
    assert moved_to(client.get("/?p=200")) == "/story/baku-rally/"


def test_it_lets_editors_list_search_and_edit_old_addresses(admin_client, imported):
    response = admin_client.get("/admin/wordpress/oldaddress/")
    assert response.status_code == 200
    assert (
        "/baku-rallies-in-support-of-ukraine-photo-report" in response.content.decode()
    )
    response = admin_client.get(
        "/admin/wordpress/oldaddress/",
        {"q": "/%D0%BC%D0%B8%D1%82%D0%B8%D0%BD%D0%B3"},
    )
    assert "митинг-в-баку" in response.content.decode()
    address = OldAddress.objects.get(path="/?p=200")
    response = admin_client.post(
        f"/admin/wordpress/oldaddress/{address.pk}/change/",
        {"path": "/?p=200", "target": "/section/news/", "item": address.item_id},
    )
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.target == "/section/news/"
    assert moved_to(admin_client.get("/?p=200")) == "/section/news/"


def test_it_refuses_an_old_address_leading_to_another_site(admin_client, imported):
    address = OldAddress.objects.get(path="/?p=200")
    response = admin_client.post(
        f"/admin/wordpress/oldaddress/{address.pk}/change/",
        {"path": "/?p=200", "target": "//evil.example/", "item": address.item_id},
    )
    assert response.status_code == 200  # the form again, with the error
    address.refresh_from_db()
    assert address.target == ""
    with pytest.raises(ValidationError):
        OldAddress(path="/x", target="https://evil.example/").full_clean()


def test_it_shows_imported_items_to_editors_read_only(admin_client, imported):
    item = ImportedItem.objects.get(kind="post", wp_id=200)
    response = admin_client.get("/admin/wordpress/importeditem/")
    assert response.status_code == 200
    response = admin_client.get(f"/admin/wordpress/importeditem/{item.pk}/change/")
    assert response.status_code == 200
    response = admin_client.post(
        f"/admin/wordpress/importeditem/{item.pk}/change/", {"wp_id": 1}
    )
    assert response.status_code == 403
    assert ImportedItem.objects.get(pk=item.pk).wp_id == 200

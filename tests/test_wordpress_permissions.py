"""Who may manage old WordPress addresses: editors list, add, edit and delete
them and look up what each item became; reporters see neither."""

import pytest
from django.contrib.auth.models import Group

from articles.wordpress.models import ImportedItem, OldAddress
from tests.admin_helpers import admin_url, as_user, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def address(db):
    item = ImportedItem.objects.create(
        site="https://jam-news.net", kind="post", wp_id=7
    )
    found = OldAddress(path="/2022/03/07/митинг-в-баку", item=item)
    found.save()
    return found


def test_it_gives_editors_the_old_address_permissions_after_migrate(db):
    codenames = set(
        Group.objects.get(name="Editor")
        .permissions.filter(content_type__app_label="wordpress")
        .values_list("codename", flat=True)
    )
    assert codenames == {
        "add_oldaddress",
        "change_oldaddress",
        "delete_oldaddress",
        "view_oldaddress",
        "view_importeditem",
    }
    reporter = Group.objects.get(name="Reporter")
    assert not reporter.permissions.filter(content_type__app_label="wordpress")


def test_it_lets_an_editor_list_and_edit_old_addresses(client, address):
    as_user(client, make_staff("Editor"))
    response = client.get(admin_url(OldAddress))
    assert response.status_code == 200
    assert "/2022/03/07/митинг-в-баку" in response.content.decode()
    response = client.post(
        admin_url(OldAddress, "change", address.pk),
        {"path": address.path, "target": "/section/news/", "item": address.item_id},
    )
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.target == "/section/news/"
    response = client.get("/2022/03/07/митинг-в-баку/")
    assert response.status_code == 301
    assert response["Location"] == "/section/news/"


def test_it_lets_an_editor_add_and_delete_old_addresses(client, address):
    as_user(client, make_staff("Editor"))
    response = client.post(
        admin_url(OldAddress, "add"),
        {"path": "/старый-адрес", "target": "/section/news/", "item": ""},
    )
    assert response.status_code == 302
    added = OldAddress.objects.get(path="/старый-адрес")
    assert client.get("/старый-адрес/")["Location"] == "/section/news/"
    response = client.post(admin_url(OldAddress, "delete", added.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not OldAddress.objects.filter(pk=added.pk).exists()
    assert client.get("/старый-адрес/").status_code == 404


def test_it_shows_an_editor_imported_items_read_only(client, address):
    as_user(client, make_staff("Editor"))
    item = address.item
    assert client.get(admin_url(ImportedItem)).status_code == 200
    assert client.get(admin_url(ImportedItem, "change", item.pk)).status_code == 200
    response = client.post(admin_url(ImportedItem, "change", item.pk), {"wp_id": 1})
    assert response.status_code == 403
    assert client.post(admin_url(ImportedItem, "delete", item.pk)).status_code == 403
    item.refresh_from_db()
    assert item.wp_id == 7


def test_it_keeps_reporters_away_from_old_addresses(client, address):
    as_user(client, make_staff("Reporter"))
    assert client.get(admin_url(OldAddress)).status_code == 403
    response = client.post(
        admin_url(OldAddress, "change", address.pk),
        {"path": address.path, "target": "/section/news/", "item": address.item_id},
    )
    assert response.status_code == 403
    response = client.post(admin_url(OldAddress, "add"), {"path": "/x", "target": "/"})
    assert response.status_code == 403
    assert client.get(admin_url(ImportedItem)).status_code == 403
    address.refresh_from_db()
    assert address.target == ""
    assert OldAddress.objects.count() == 1

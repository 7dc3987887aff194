"""Migrations that move data: run on a database holding what the old code wrote."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, MembershipPrompt, Tag

BEFORE_TAGS = [("articles", "0012_preview_keys")]


def migrate(targets):
    """Migrate to `targets`; the models as they stand there, every app's."""
    MigrationExecutor(connection).migrate(targets)
    applied = MigrationExecutor(connection)  # reads what is applied now
    return applied._create_project_state(with_applied_migrations=True).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def old_content(apps):
    """What 0012's code wrote: taggit's tags, one with a Cyrillic slug, on a
    story, a prompt targeting them, and a revision that recorded the tags."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    OldTag = apps.get_model("taggit", "Tag")
    OldItem = apps.get_model("taggit", "TaggedItem")
    Revision = apps.get_model("reversion", "Revision")
    OldVersion = apps.get_model("reversion", "Version")
    outlet = apps.get_model("articles", "Outlet").objects.create(
        name="House", slug="house", is_house=True
    )
    section = apps.get_model("articles", "Section").objects.create(
        name="News", slug="news"
    )
    story = apps.get_model("articles", "Article").objects.create(
        headline="Rally in Baku",
        slug="rally-in-baku",
        section=section,
        outlet=outlet,
        status="published",
        published_at=timezone.now(),
        preview_key="k",
    )
    cyrillic = OldTag.objects.create(name="Азербайджан", slug="азербайджан")
    latin = OldTag.objects.create(name="Baku", slug="baku")
    unused = OldTag.objects.create(name="Баку", slug="баку")
    article_type, _ = ContentType.objects.get_or_create(
        app_label="articles", model="article"
    )
    items = [
        OldItem.objects.create(tag=tag, content_type=article_type, object_id=story.pk)
        for tag in (cyrillic, latin)
    ]
    prompt = apps.get_model("articles", "MembershipPrompt").objects.create(
        name="Targeted", placement="article_end", heading="H", body="B",
        button_label="Join", button_url="/support/",
    )  # fmt: skip
    prompt.tags.set([cyrillic, unused])
    revision = Revision.objects.create(date_created=timezone.now(), comment="Saved")
    item_type, _ = ContentType.objects.get_or_create(
        app_label="taggit", model="taggeditem"
    )
    for item in items:
        OldVersion.objects.create(
            revision=revision,
            object_id=str(item.pk),
            content_type=item_type,
            db="default",
            format="json",
            serialized_data=json.dumps(
                [
                    {
                        "model": "taggit.taggeditem",
                        "pk": item.pk,
                        "fields": {
                            "tag": item.tag_id,
                            "content_type": article_type.pk,
                            "object_id": story.pk,
                        },
                    }
                ]
            ),
            object_repr=str(item.pk),
        )
    return story.pk, prompt.pk, revision.pk, [item.pk for item in items]


@pytest.mark.django_db(transaction=True)
def test_tags_move_to_latin_addresses_with_nothing_lost(client):
    story_id, prompt_id, revision_id, item_ids = old_content(migrate(BEFORE_TAGS))
    migrate(latest())

    story = Article.objects.get(pk=story_id)
    assert dict(story.tags.values_list("name", "slug")) == {
        "Азербайджан": "azerbaydzhan",
        "Baku": "baku",
    }
    assert dict(Tag.objects.values_list("name", "slug"))["Баку"] == "baku-2"
    prompt = MembershipPrompt.objects.get(pk=prompt_id)
    assert set(prompt.tags.values_list("name", flat=True)) == {"Азербайджан", "Баку"}
    # Pages that showed the Cyrillic tag failed; now they answer.
    assert client.get(story.get_absolute_url()).status_code == 200
    assert client.get("/tag/azerbaydzhan/").status_code == 200
    assert client.get("/sitemap.xml").status_code == 200
    # The revision still says which tags the story had, in the new model.
    versions = Version.objects.filter(revision_id=revision_id)
    assert {v.content_type.model for v in versions} == {"taggedarticle"}
    assert sorted(v.field_dict["tag_id"] for v in versions) == sorted(
        story.tags.values_list("pk", flat=True)
    )
    assert sorted(int(v.object_id) for v in versions) == sorted(item_ids)
    # New tags are numbered after the copied ones.
    story.tags.add("Тбилиси")
    assert Tag.objects.get(name="Тбилиси").slug == "tbilisi"

    # And back: taggit's tables hold the tags again.
    apps = migrate(BEFORE_TAGS)
    OldItem = apps.get_model("taggit", "TaggedItem")
    names = OldItem.objects.filter(object_id=story_id).values_list(
        "tag__name", flat=True
    )
    assert set(names) == {"Азербайджан", "Baku", "Тбилиси"}
    migrate(latest())
    assert Article.objects.get(pk=story_id).tags.count() == 3

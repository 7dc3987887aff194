"""Stories' tags move from django-taggit's tables to ours, with Latin slugs.

Every taggit tag is copied with its id (prompts target tags by id), its slug
transliterated where it was not Latin (such tags could not be linked: pages
showing them failed); every story's tagging is copied with its id, and the
revisions that recorded taggings are rewritten to name the new model, so
reverting a story still restores its tags. Reversible: going back copies
everything to taggit's tables again.
"""

import json

from django.core.management.color import no_style
from django.db import migrations

from articles import slugs


def _article_type(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label="articles", model="article")[0]


def _type(apps, app_label, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]


def _reset_sequences(schema_editor, models):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _latin_slugs(tags):
    """{id: slug} for (id, name, slug) rows: Latin slugs kept, others made anew."""
    taken = {slug for _id, _name, slug in tags if slugs.SLUG.match(slug)}
    chosen = {}
    for pk, name, slug in sorted(tags):
        if slugs.SLUG.match(slug):
            chosen[pk] = slug
            continue
        base = slugs.slugify(name, 100, "tag")
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = slugs.numbered(base, number)
        taken.add(candidate)
        chosen[pk] = candidate
    return chosen


def _rewrite_versions(apps, old, new, convert):
    Version = apps.get_model("reversion", "Version")
    old_type = _type(apps, *old)
    new_type = _type(apps, *new)
    for version in Version.objects.filter(content_type=old_type).iterator():
        data = json.loads(version.serialized_data)
        converted = [convert(record) for record in data]
        if None in converted:
            continue  # a tagging of something other than a story
        Version.objects.filter(pk=version.pk).update(
            content_type=new_type, serialized_data=json.dumps(converted)
        )


def forward(apps, schema_editor):
    OldTag = apps.get_model("taggit", "Tag")
    OldItem = apps.get_model("taggit", "TaggedItem")
    Tag = apps.get_model("articles", "Tag")
    TaggedArticle = apps.get_model("articles", "TaggedArticle")
    article_type = _article_type(apps)

    rows = list(OldTag.objects.values_list("id", "name", "slug"))
    chosen = _latin_slugs(rows)
    Tag.objects.bulk_create(
        Tag(id=pk, name=name, slug=chosen[pk]) for pk, name, _slug in rows
    )
    stories = OldItem.objects.filter(content_type=article_type)
    TaggedArticle.objects.bulk_create(
        TaggedArticle(id=pk, tag_id=tag_id, content_object_id=object_id)
        for pk, tag_id, object_id in stories.values_list("id", "tag_id", "object_id")
    )
    _reset_sequences(schema_editor, [Tag, TaggedArticle])

    def convert(record):
        fields = record["fields"]
        if fields.get("content_type") != article_type.pk:
            return None
        return {
            "model": "articles.taggedarticle",
            "pk": record["pk"],
            "fields": {"tag": fields["tag"], "content_object": fields["object_id"]},
        }

    _rewrite_versions(
        apps, ("taggit", "taggeditem"), ("articles", "taggedarticle"), convert
    )
    stories.delete()


def backward(apps, schema_editor):
    OldTag = apps.get_model("taggit", "Tag")
    OldItem = apps.get_model("taggit", "TaggedItem")
    Tag = apps.get_model("articles", "Tag")
    TaggedArticle = apps.get_model("articles", "TaggedArticle")
    article_type = _article_type(apps)

    for tag in Tag.objects.all():
        OldTag.objects.update_or_create(
            id=tag.pk, defaults={"name": tag.name, "slug": tag.slug}
        )
    OldItem.objects.bulk_create(
        OldItem(
            id=item.pk,
            tag_id=item.tag_id,
            content_type=article_type,
            object_id=item.content_object_id,
        )
        for item in TaggedArticle.objects.all()
    )
    _reset_sequences(schema_editor, [OldTag, OldItem])

    def convert(record):
        fields = record["fields"]
        return {
            "model": "taggit.taggeditem",
            "pk": record["pk"],
            "fields": {
                "tag": fields["tag"],
                "content_type": article_type.pk,
                "object_id": fields["content_object"],
            },
        }

    _rewrite_versions(
        apps, ("articles", "taggedarticle"), ("taggit", "taggeditem"), convert
    )
    TaggedArticle.objects.all().delete()
    Tag.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_tag_tables"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        (
            "taggit",
            "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx",
        ),
    ]

    operations = [migrations.RunPython(forward, backward)]

"""Load the demo stories, pictures, prompts and tiers, and the demo accounts."""

import io
import json
import os
import secrets
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, IntegrityError, models, transaction

from articles import images
from articles.management import placeholders
from articles.models import Image, Outlet

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_FILE = FIXTURES / "demo.json"

# How a demo object is recognised in a database that may hold other content:
# by what an editor would call it, never by primary key.
IDENTITY = {
    "articles.image": ("file",),
    "articles.outlet": ("slug",),
    "articles.section": ("slug",),
    "articles.author": ("slug",),
    "articles.embed": ("slug",),
    "articles.article": ("slug",),
    "articles.membershipprompt": ("name",),
    "articles.promptvariant": ("prompt", "name"),
    "articles.membershiptier": ("name",),
    "articles.tag": ("slug",),
    "articles.taggedarticle": ("tag", "content_object"),
}
# Models whose rows count as a newsroom's content.
CONTENT_MODELS = [label for label in IDENTITY if label != "articles.taggedarticle"]
DEMO_ACCOUNTS = [("editor", "Editor"), ("reporter", "Reporter")]


class Command(BaseCommand):
    help = "Load the demo stories, pictures, prompts, tiers and accounts (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even if the database holds other content; demo objects are "
            "restored to their demo state, everything else is left alone.",
        )
        parser.add_argument(
            "--keep-content",
            action="store_true",
            help="If the database holds other content, leave everything as it is, "
            "say so and succeed (make demo restarts the demo this way).",
        )

    def handle(self, *args, force=False, keep_content=False, **options):
        try:
            records = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(
                f"Cannot read the demo fixtures {DEMO_FILE}: {error}"
            ) from None
        loader = DemoLoader(records)
        try:
            with transaction.atomic():
                foreign = loader.foreign_content()
                if foreign and keep_content and not force:
                    self.stdout.write(
                        self.style.WARNING(
                            f"This database holds content that is not the demo's "
                            f"({foreign}); the demo content was left alone."
                        )
                    )
                    self.ensure_accounts()
                    return
                if foreign and not force:
                    raise CommandError(
                        f"This database already holds content that is not the demo's "
                        f"({foreign}); nothing was changed. Use --force to load the demo "
                        "beside it."
                    )
                loader.copy_media()
                loader.load()
                loader.make_renditions()
        except ValidationError as error:
            raise CommandError(
                f"The demo could not be loaded: {'; '.join(error.messages)}"
            ) from None
        except (IntegrityError, DatabaseError) as error:
            first_line = (
                str(error).strip().splitlines()[0] if str(error).strip() else error
            )
            raise CommandError(f"The demo could not be loaded: {first_line}") from None
        counts = loader.counts
        for note in loader.notes:
            self.stdout.write(self.style.WARNING(note))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged; {counts['files']} media file(s) copied, "
                f"{counts['renditions']} rendition(s) made."
            )
        )
        self.ensure_accounts()

    def ensure_accounts(self):
        User = get_user_model()
        wanted = os.environ.get("DEMO_PASSWORD", "")
        for username, group_name in DEMO_ACCOUNTS:
            group = Group.objects.get(name=group_name)
            user, created = User.objects.get_or_create(
                username=username,
                # A reserved domain: the demo's notifications print to the
                # console (make demo) and reach nobody.
                defaults={"is_staff": True, "email": f"{username}@newsroom.example"},
            )
            password = None
            if created:
                password = wanted or secrets.token_urlsafe(12)
            elif wanted and not user.check_password(wanted):
                password = wanted
            if password:
                user.set_password(password)
                user.is_staff = True
                user.save()
            if not user.groups.filter(pk=group.pk).exists():
                user.groups.add(group)
            if password or wanted:
                self.stdout.write(
                    f"Demo login ({group_name}): {username} / {password or wanted}"
                )
            else:
                self.stdout.write(
                    f"Demo login ({group_name}): {username} (password unchanged; set "
                    "DEMO_PASSWORD and run load_demo again to reset it)"
                )


class DemoLoader:
    def __init__(self, records):
        self.records = records
        self.pk_map = {}  # (label, fixture pk) -> database pk
        self.counts = {
            "created": 0,
            "updated": 0,
            "unchanged": 0,
            "files": 0,
            "renditions": 0,
        }
        self.notes = []

    def _identity(self, record):
        label = record["model"]
        fields = self._resolve(apps.get_model(label), record["fields"])
        return {name: fields[name] for name in IDENTITY[label]}

    def foreign_content(self):
        """A short description of content that is neither demo nor loadable over, or ''."""
        found = []
        for label in CONTENT_MODELS:
            model = apps.get_model(label)
            demo_records = [r for r in self.records if r["model"] == label]
            demo_ids = set()
            for record in demo_records:
                existing = model.objects.filter(**self._identity(record)).first()
                if existing is None:
                    continue
                demo_ids.add(existing.pk)
                if self._differs(existing, record):
                    found.append(
                        f"the demo's {model._meta.verbose_name} {existing} was edited"
                    )
                # Later records may point at this one.
                self.pk_map[(label, record["pk"])] = existing.pk
            others = model.objects.exclude(pk__in=demo_ids).count()
            if others:
                found.append(f"{others} other {model._meta.verbose_name_plural}")
        self.pk_map.clear()
        return "; ".join(found)

    def copy_media(self):
        for record in self.records:
            if record["model"] != "articles.image":
                continue
            name = record["fields"]["file"]
            drawn = placeholders.drawn(Path(name).name)
            if drawn is None:
                raise CommandError(f"The demo picture {name} has no placeholder.")
            # Through the same checks and metadata removal as an editor's upload.
            upload = File(io.BytesIO(drawn), name=name)
            try:
                source = images.clean(upload).content
            except images.Refused as refusal:
                raise CommandError(f"The demo picture {name}: {refusal}") from None
            if default_storage.exists(name):
                with default_storage.open(name) as stored:
                    if stored.read() == source:
                        continue
                default_storage.delete(name)
            saved = default_storage.save(name, ContentFile(source))
            if saved != name:
                raise CommandError(f"Storage renamed the demo file {name} to {saved}.")
            self.counts["files"] += 1

    def make_renditions(self):
        """Renditions of the demo's pictures; none is made twice."""
        for record in self.records:
            if record["model"] == "articles.image":
                image = Image.objects.get(
                    pk=self.pk_map[("articles.image", record["pk"])]
                )
                self.counts["renditions"] += image.make_renditions()

    def load(self):
        for record in self.records:
            label = record["model"]
            model = apps.get_model(label)
            fields = self._resolve(model, record["fields"])
            if label == "articles.outlet" and fields.get("is_house"):
                house = Outlet.objects.house()
                if house is not None and house.slug != fields["slug"]:
                    # Loaded beside a real site: that site stays the house outlet.
                    fields["is_house"] = False
                    self.notes.append(
                        f"{fields['name']} loaded as a partner: {house} is ours."
                    )
            identity = {name: fields[name] for name in IDENTITY[label]}
            existing = model.objects.filter(**identity).first()
            if existing is not None and not self._differs(existing, record):
                self.counts["unchanged"] += 1
                self.pk_map[(label, record["pk"])] = existing.pk
                continue
            obj = existing or model()
            self._save(obj, model, fields)
            self.counts["updated" if existing else "created"] += 1
            self.pk_map[(label, record["pk"])] = obj.pk

    def _resolve(self, model, raw):
        """Fixture values with references turned into this database's keys."""
        resolved = {}
        for name, value in raw.items():
            field = model._meta.get_field(name)
            if field.many_to_many:
                value = [
                    self._mapped(field.related_model._meta.label_lower, v)
                    for v in value
                ]
            elif field.many_to_one and value is not None:
                value = self._mapped(field.related_model._meta.label_lower, value)
            resolved[name] = value
        return resolved

    def _mapped(self, label, fixture_pk):
        # Not yet loaded (or first pass over an empty database): an impossible key.
        return self.pk_map.get((label, fixture_pk), -1)

    def _differs(self, obj, record):
        model = type(obj)
        fields = self._resolve(model, record["fields"])
        for name, value in fields.items():
            field = model._meta.get_field(name)
            if getattr(field, "auto_now", False) or getattr(
                field, "auto_now_add", False
            ):
                continue
            if field.many_to_many:
                current = set(getattr(obj, name).values_list("pk", flat=True))
                if current != set(value):
                    return True
            elif isinstance(field, models.FileField):
                if getattr(obj, name).name != value:
                    return True
            elif field.many_to_one:
                if getattr(obj, field.attname) != value:
                    return True
            elif getattr(obj, field.attname) != field.to_python(value):
                return True
        return False

    def _save(self, obj, model, fields):
        timestamps = {}
        many = {}
        for name, value in fields.items():
            field = model._meta.get_field(name)
            if getattr(field, "auto_now", False) or getattr(
                field, "auto_now_add", False
            ):
                timestamps[name] = field.to_python(value)
            elif field.many_to_many:
                many[name] = value
            elif field.many_to_one:
                setattr(obj, field.attname, value)
            elif isinstance(field, models.FileField):
                setattr(obj, name, value)
            else:
                setattr(obj, name, field.to_python(value))
        obj.full_clean(exclude=list(timestamps) + list(many), validate_unique=False)
        obj.save()
        for name, value in many.items():
            getattr(obj, name).set(value)
        if timestamps:
            # Keep the demo's own dates rather than today's.
            model.objects.filter(pk=obj.pk).update(**timestamps)
            for name, value in timestamps.items():
                setattr(obj, name, value)

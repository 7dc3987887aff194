"""Delete pictures that nothing uses and that were uploaded some days ago: the
uploads left behind by a story form that was never saved, or whose story
chose another picture. Their files leave storage once each deletion commits."""

from argparse import ArgumentTypeError
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from articles.models import Image


def days(value):
    if not value.isdigit() or int(value) < 1:
        raise ArgumentTypeError(
            f"a whole number of days, 1 or more, is needed (not “{value}”)"
        )
    return int(value)


class Command(BaseCommand):
    help = (
        "Delete pictures no story, author, outlet or autosave uses, uploaded more "
        "than --older-than days ago (default 7), with their files; --dry-run lists "
        "them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=days,
            default=7,
            metavar="DAYS",
            help="Only pictures uploaded more than this many days ago (default 7), "
            "so that a story still being written keeps its new pictures.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the pictures that would be deleted, and delete nothing.",
        )

    def handle(self, *args, older_than=7, dry_run=False, **options):
        cutoff = timezone.now() - timedelta(days=older_than)
        unused = list(
            Image.objects.unused().filter(uploaded_at__lt=cutoff).order_by("pk")
        )
        if not unused:
            self.stdout.write(
                f"Nothing to delete: every picture uploaded more than {older_than} "
                "day(s) ago is in use."
            )
            return
        deleted = 0
        for picture in unused:
            line = f"#{picture.pk} “{picture}”, uploaded {picture.uploaded_at:%Y-%m-%d}"
            if dry_run:
                self.stdout.write(f"Would delete {line}")
            elif self._delete(picture):
                deleted += 1
                self.stdout.write(f"Deleted {line}")
            else:
                self.stdout.write(f"Kept {line}: it came into use meanwhile")
        if dry_run:
            self.stdout.write(
                f"{len(unused)} unused picture(s); nothing deleted (dry run)."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"{deleted} picture(s) deleted with their files.")
            )

    def _delete(self, picture):
        """Delete the picture unless something started using it since the list
        was made; its files go once the deletion commits."""
        try:
            with transaction.atomic():
                if picture.where_used():
                    return False
                picture.delete()
        except ProtectedError:  # chosen as a story's lead picture just now
            return False
        return True

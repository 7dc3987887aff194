"""Remove autosaves of the story form left longer than a number of days."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles.models import Autosave


class Command(BaseCommand):
    help = (
        "Remove autosaves of the story form not touched for --older-than days "
        "(30 unless told; safe to run again)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=30,
            metavar="DAYS",
            help="Remove autosaves last written more than this many days ago.",
        )

    def handle(self, *args, older_than=30, **options):
        if older_than < 0:
            raise CommandError("--older-than takes a number of days, 0 or more.")
        cutoff = timezone.now() - timedelta(days=older_than)
        removed, _ = Autosave.objects.filter(updated_at__lt=cutoff).delete()
        self.stdout.write(
            self.style.SUCCESS(
                f"{removed} autosave(s) older than {older_than} day(s) removed."
            )
        )

"""Make the renditions that pictures lack, e.g. after a storage move or an upgrade."""

from django.core.management.base import BaseCommand, CommandError

from articles.models import Image


class Command(BaseCommand):
    help = "Make any missing renditions of every picture (safe to run again)."

    def handle(self, *args, **options):
        made = failed = 0
        pictures = Image.objects.order_by("pk")
        total = pictures.count()
        for number, image in enumerate(pictures.iterator(), start=1):
            try:
                count = image.make_renditions()
            except (OSError, ValueError) as error:
                failed += 1
                self.stderr.write(f"{image.file.name}: {error}")
                continue
            made += count
            if count:
                self.stdout.write(f"[{number}/{total}] {image}: {count} made")
        self.stdout.write(
            self.style.SUCCESS(f"{made} rendition(s) made for {total} picture(s).")
        )
        if failed:
            raise CommandError(f"{failed} picture(s) could not be read (listed above).")

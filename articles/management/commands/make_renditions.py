"""Make the renditions that pictures lack, e.g. after a storage move or an upgrade;
with --clean, first clean originals stored before uploads were stripped of
their colour profiles (or any metadata), with all their renditions."""

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles import images
from articles.image_formats import holds_only_pixels
from articles.models import Image
from articles.models.media import files_removed_on_error
from articles.serving.invalidation import forget_pages

# A line every so many pictures, so a long run over a clean library shows life.
PROGRESS_EVERY = 100


class Command(BaseCommand):
    help = (
        "Make any missing renditions of every picture, with --clean first "
        "re-storing originals that still carry metadata (safe to run again)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--clean",
            action="store_true",
            help="Re-store every original holding more than its pixels (a colour "
            "profile or other metadata) cleaned as an upload is, with new "
            "renditions; its old files are deleted once the new ones are saved.",
        )

    def handle(self, *args, clean=False, **options):
        made = cleaned = failed = 0
        pictures = Image.objects.order_by("pk")
        total = pictures.count()
        for number, image in enumerate(pictures.iterator(), start=1):
            name = image.file.name
            try:
                with files_removed_on_error(), transaction.atomic():
                    was_cleaned = clean and store_cleaned(image)
                    count = image.make_renditions()
            except (OSError, ValueError) as error:  # images.Refused included
                failed += 1
                self.stderr.write(f"{name}: {error}")
                continue
            made, cleaned = made + count, cleaned + was_cleaned
            if was_cleaned or count:
                # Cached pages name renditions that are new, or gone.
                forget_pages()
                done = "original cleaned, " if was_cleaned else ""
                self.stdout.write(f"[{number}/{total}] {image}: {done}{count} made")
            elif number % PROGRESS_EVERY == 0:
                self.stdout.write(f"[{number}/{total}] checked")
        line = f"{made} rendition(s) made for {total} picture(s)."
        if clean:
            line = f"{cleaned} picture(s) cleaned, {line}"
        if not (made or cleaned or failed):
            line += " Nothing to do."
        self.stdout.write(self.style.SUCCESS(line))
        if failed:
            raise CommandError(f"{failed} picture(s) could not be read (listed above).")


def store_cleaned(image):
    """Give a picture its original cleaned as an upload is, stored under the new
    file's digest, if the stored one holds more than its pixels; returns whether
    it did. The old original and its renditions are deleted once the caller's
    transaction commits, after the new renditions are saved."""
    with image.file.open("rb") as stored:
        content = stored.read()
    if holds_only_pixels(content):
        return False
    picture = images.clean(ContentFile(content, name=image.file.name))
    image.file = ContentFile(picture.content, picture.filename)
    image.store_file()
    # Not save(): the editor's "last changed" stays the editor's.
    Image.objects.filter(pk=image.pk).update(
        file=image.file.name, width=picture.width, height=picture.height
    )
    return True

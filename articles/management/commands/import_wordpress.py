"""Import a WordPress export (WXR): authors, categories, tags, posts, their
pictures and their old addresses (articles.wordpress does the work)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from articles import editions
from articles.models import Outlet
from articles.wordpress.importer import import_export
from articles.wordpress.wxr import NotAnExport

# The progress bar is drawn at most this often, in seconds.
PROGRESS_EVERY = 0.5


class Command(BaseCommand):
    help = (
        "Import a WordPress export file (WXR 1.1 or 1.2) with its pictures and "
        "old addresses (safe to run again)."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The export file WordPress wrote (.xml).")
        parser.add_argument(
            "--media-dir",
            help="A copy of the site's wp-content/uploads folder, for the pictures.",
        )
        parser.add_argument(
            "--outlet",
            metavar="SLUG",
            help="The outlet the stories are filed under; ours when left out.",
        )
        parser.add_argument(
            "--language",
            metavar="CODE",
            help="The stories' language, one of the site's; the default language "
            "when left out.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do everything and report it, then write nothing.",
        )

    def handle(self, *args, export, media_dir=None, outlet=None, **options):
        path = Path(export)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": export})
        if media_dir and not Path(media_dir).is_dir():
            raise CommandError(_("No such folder: %(path)s") % {"path": media_dir})
        self.drawn = 0.0
        try:
            summary = import_export(
                path,
                media_dir=media_dir,
                outlet=_outlet(outlet),
                language=_language(options.get("language")),
                dry_run=options["dry_run"],
                progress=self.progress,
            )
        except NotAnExport as error:
            raise CommandError(str(error)) from None
        if self.drawn:
            self.stderr.write("")
        for line in summary.lines():
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write(self.style.WARNING(_("Dry run: nothing was written.")))
        else:
            self.stdout.write(self.style.SUCCESS(_("Import finished.")))

    def progress(self, done, total, width=40):
        now = time.monotonic()
        if done < total and now - self.drawn < PROGRESS_EVERY:
            return
        self.drawn = now
        filled = width * done // max(total, 1)
        bar = f"[{'#' * filled}{'.' * (width - filled)}]"
        self.stderr.write(f"\r{bar} {done}/{total}", ending="")
        self.stderr.flush()


def _outlet(slug):
    if slug is None:
        return None
    found = Outlet.objects.filter(slug=slug).first()
    if found is None:
        raise CommandError(_("No outlet with the slug %(slug)r.") % {"slug": slug})
    return found


def _language(code):
    if code is None:
        return editions.default()
    code = code.strip().lower()
    if code not in editions.codes():
        raise CommandError(
            _("%(code)r is not one of the site's languages: %(codes)s.")
            % {"code": code, "codes": ", ".join(editions.codes())}
        )
    return code

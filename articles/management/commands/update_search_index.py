"""Rebuild every story's search document."""

from django.core.management.base import BaseCommand

from articles.search import index_every_article


class Command(BaseCommand):
    help = "Rebuild the search documents of every story (safe to run at any time)."

    def handle(self, *args, **options):
        progress = self.show_progress if self.stdout.isatty() else None
        done = index_every_article(progress=progress)
        self.stdout.write(self.style.SUCCESS(f"{done} stories indexed for search."))

    def show_progress(self, done, total):
        self.stdout.write(f"{done} of {total} stories indexed", ending="\r")

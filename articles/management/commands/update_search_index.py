"""Rebuild every story's search document."""

from django.core.management.base import BaseCommand

from articles.models import Article
from articles.search import index_articles

BATCH = 500


class Command(BaseCommand):
    help = "Rebuild the search documents of every story (safe to run at any time)."

    def handle(self, *args, **options):
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        done = 0
        for start in range(0, len(ids), BATCH):
            done += index_articles(ids[start : start + BATCH])
            if self.stdout.isatty():
                self.stdout.write(f"{done} of {len(ids)} stories indexed", ending="\r")
        self.stdout.write(self.style.SUCCESS(f"{done} stories indexed for search."))

"""The story list's search in the admin: database time over generated stories.

    DATABASE_URL=... .venv/bin/python bench/admin_search.py [--stories 5000] [--runs 15]

Runs against DATABASE_URL (SQLite or PostgreSQL; the database is migrated and
filled with generated stories up to --stories, and kept). For each query it
times what the list asks the database for, a count and a page of 100 ids, in
three ways: Django's search over headline, standfirst and address (a full
count), with a LIKE over the body added, and as the admin searches now: the
search documents by their index, or a story's address or number
(ArticleAdmin.get_search_results), counted at most listing.COUNTED deep and
read with index scans only, as the story list does. Prints medians.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TERMS = ["government", "zzqxv", "Baku protests", "residents said", "Азербайджан"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15, help="queries per way")
    return parser.parse_args()


def set_up(stories):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from articles.models import Article

    call_command("migrate", verbosity=0)
    missing = stories - Article.objects.count()
    if missing > 0:
        call_command("generate_articles", missing, verbosity=0)


def ways():
    from django.contrib import admin
    from django.contrib.auth.models import User
    from django.test import RequestFactory

    from articles.models import Article

    model_admin = admin.site._registry[Article]
    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True)

    def django_search(fields):
        def search(term):
            model_admin.search_fields = fields
            found, _ = admin.ModelAdmin.get_search_results(
                model_admin, request, Article.objects.all(), term
            )
            return found

        return search

    def as_built(term):
        found, _ = model_admin.get_search_results(request, Article.objects.all(), term)
        return found

    return {
        "headline, standfirst, address": django_search(
            ["headline", "standfirst", "slug"]
        ),
        "... and a LIKE over the body": django_search(
            ["headline", "standfirst", "slug", "body"]
        ),
        "... and the search documents": as_built,
    }


def main():
    args = parse_args()
    set_up(args.stories)
    from django.db import connection

    from articles.admin.listing import ArchivePaginator
    from articles.models import Article

    searches = ways()
    built = list(searches)[-1]
    timings = {}
    for term in TERMS:
        for _ in range(args.runs):
            for name, search in searches.items():  # interleaved: same conditions
                start = time.perf_counter()
                found = search(term).order_by("-published_at", "-created_at", "-pk")
                if name == built:
                    paginator = ArchivePaginator(
                        found.values_list("pk", flat=True), 100
                    )
                    count = paginator.count
                    paginator.page(1)
                else:
                    count = found.count()
                    list(found.values_list("pk", flat=True)[:100])
                timings.setdefault((term, name), []).append(time.perf_counter() - start)
                timings[(term, name, "found")] = count
    print(f"{connection.vendor}, {Article.objects.count()} stories")
    for term in TERMS:
        print(f"  {term!r}")
        for name in searches:
            median = statistics.median(timings[(term, name)]) * 1000
            found = timings[(term, name, "found")]
            print(f"    {name:32} {found:6} found {median:8.1f} ms")


if __name__ == "__main__":
    main()

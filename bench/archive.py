"""Every reader page, sitemap part, API page and the admin's story list, timed
over archives of 10,000, 100,000 and 1,000,000 generated stories on PostgreSQL.

    .venv/bin/python bench/archive.py [--sizes 10000,100000,1000000] [--runs 7]
    .venv/bin/python bench/archive.py --reuse     # the archive as it is
    make bench-archive

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/newsroom_archive),
creates and migrates it when missing, and keeps it. At each size it first grows
the archive to that many generated stories (`generate_articles`, in every
edition's language, --jobs processes), vacuums and analyses it, then requests
each page in PAGES --runs times in process (Django's test client, DEBUG off),
every cache cleared before each request (PostgreSQL's own buffers stay warm),
and prints the median, the 95th percentile, the queries and the size. A page
whose address cannot be made yet (its route missing) is skipped with a note.
"""

import argparse
import logging
import math
import os
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/newsroom_archive"
LANGUAGES = "en,ru,ka,az,hy"
WORD, NO_MATCH = "government", "zzqxv"
ADMIN_LIST = "/admin/articles/article/"


class Skip(Exception):
    """A page this archive or this version of the site cannot show."""


def url(name, *args):
    """The page's address in the default edition (a request for another
    edition leaves its language active in this thread)."""
    from django.conf import settings
    from django.urls import NoReverseMatch, reverse
    from django.utils import translation

    try:
        with translation.override(settings.LANGUAGE_CODE):
            return reverse(f"articles:{name}", args=args)
    except NoReverseMatch:
        raise Skip(f"no route {name!r}") from None


# Generated tags and authors write in one language: in another edition their
# pages list nothing, and must find that out without reading their stories.
OTHER_EDITION = "/ru"


# The pages, in the order printed: label -> where it is, given the Site below.
# Edit freely; raise Skip (or let url() raise it) for a page that is not there.
PAGES = {
    "story, newest": lambda s: s.newest.get_absolute_url(),
    "story, oldest": lambda s: s.oldest.get_absolute_url(),
    "story, a translation": lambda s: s.translation.get_absolute_url(),
    "home": lambda s: url("home"),
    "section, page 1": lambda s: url("section", s.section),
    "section, page 500": lambda s: url("section", s.section) + "?page=500",
    "section, archive year": lambda s: url("section-year", s.section, s.year),
    "section, archive month": lambda s: url(
        "section-month", s.section, s.year, s.month
    ),
    "tag, page 1": lambda s: url("tag", s.tag),
    "tag, archive month": lambda s: url("tag-month", s.tag, *s.tag_month),
    "tag, another edition": lambda s: OTHER_EDITION + url("tag", s.tag),
    "author, page 1": lambda s: url("author", s.author),
    "author, archive month": lambda s: url("author-month", s.author, *s.author_month),
    "author, another edition": lambda s: OTHER_EDITION + url("author", s.author),
    "search, a word": lambda s: f"{url('search')}?q={WORD}",
    "search, no match": lambda s: f"{url('search')}?q={NO_MATCH}",
    "search, word + author": lambda s: f"{url('search')}?q={WORD}&author={s.author}",
    # The word is in every English story and in no other edition's.
    "search, another edition": lambda s: f"{OTHER_EDITION}{url('search')}?q={WORD}",
    # The same word with that edition's language asked for, on the page and
    # in the API (a reader's language filter, not an edition).
    "search, a language asked for": lambda s: (
        f"{url('search')}?q={WORD}&language={OTHER_EDITION.strip('/')}"
    ),
    "API, search in a language": lambda s: (
        f"{url('api-articles')}?q={WORD}&language={OTHER_EDITION.strip('/')}"
    ),
    "search suggestions": lambda s: f"{url('search-suggest')}?kind=author&q=Nin",
    "feed": lambda s: url("feed"),
    "tag feed": lambda s: url("tag-feed", s.tag),
    "tag feed, another edition": lambda s: OTHER_EDITION + url("tag-feed", s.tag),
    "sitemap index": lambda s: url("sitemap"),
    "news sitemap": lambda s: url("news-sitemap"),
    **{
        f"sitemap part: {kind}": (lambda s, kind=kind: s.sitemap_part(kind))
        for kind in (
            "newest month",
            "oldest month",
            "pages",
            "sections",
            "tags",
            "authors",
        )
    },
    "API, first page": lambda s: url("api-articles"),
    "API, next page (cursor)": lambda s: s.api_next,
    "API, page 50": lambda s: url("api-articles") + "?page=50",
    "API, page 2000": lambda s: url("api-articles") + "?page=2000",
    "admin story list": lambda s: ADMIN_LIST,
    "admin search": lambda s: f"{ADMIN_LIST}?q={WORD}",
    "admin search, no match": lambda s: f"{ADMIN_LIST}?q={NO_MATCH}",
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="10000,100000,1000000",
        help="archive sizes to grow to and measure, in order",
    )
    parser.add_argument("--runs", type=int, default=7, help="requests per page")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the archive as it is, generating nothing",
    )
    parser.add_argument("--jobs", type=int, default=2, help="generating processes")
    parser.add_argument("--only", help="measure only pages whose label has this")
    args = parser.parse_args()
    try:
        args.sizes = [int(size.replace("_", "")) for size in args.sizes.split(",")]
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas")
    if args.runs < 1 or args.jobs < 1 or min(args.sizes) < 1:
        parser.error("--runs, --jobs and --sizes must be positive")
    return args


def ensure_database(database_url):
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(
        database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True
    ) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            connection.execute(f'CREATE DATABASE "{name}"')


def set_up(database_url):
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DJANGO_DEBUG="off",
        DJANGO_HTTPS="off",
        DJANGO_ALLOWED_HOSTS="testserver",
        NEWSROOM_REQUIRE_2FA="off",
    )
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-archive-" + "k3y" * 20)
    os.environ.setdefault("NEWSROOM_LANGUAGES", LANGUAGES)
    os.environ.pop("REDIS_URL", None)  # caches in process, cleared by the bench
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # Answers of 400 (the API's page past its limit) are measured, not logged.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    # Pages name their static files, which DEBUG off reads from the manifest.
    call_command("collectstatic", interactive=False, verbosity=0)


def grow(size, jobs):
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("generate_articles", size, language="all", jobs=jobs)
    seconds = time.perf_counter() - started
    # What autovacuum does on a running site: the planner's statistics, and
    # the visibility map index-only scans rely on.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return seconds


class Site:
    """What the pages are about: stories, a section, a tag, an author, a month."""

    def __init__(self, client):
        from django.db.models import Count

        from articles import editions
        from articles.models import Article, Author, TaggedArticle

        default = editions.default()  # the edition pages are asked for in
        published = Article.objects.published()
        self.newest = published.first()
        self.oldest = published.order_by("published_at", "pk").first()
        self.translation = published.filter(translation_of__isnull=False).first()
        self.section = "news"
        busiest = (
            TaggedArticle.objects.filter(editions.stories_in(default))
            .values("tag__slug")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        self.tag = busiest["tag__slug"]
        self.author = Author.objects.get(slug="generated-author-0").slug
        middle = (
            self.oldest.published_at
            + (self.newest.published_at - self.oldest.published_at) / 2
        )
        self.year, self.month = middle.year, middle.month
        # A month in the middle of the tag's and the author's own stories in
        # the edition the pages are asked for in.
        in_edition = published.in_edition(default)
        self.tag_month = middle_month(in_edition.filter(tags__slug=self.tag))
        self.author_month = middle_month(in_edition.filter(authors__slug=self.author))
        self.client = client
        self.sitemap_parts = self.read_sitemap_index()
        self.api_next = self.read_api_next()

    def read_sitemap_index(self):
        response = self.client.get(url("sitemap"))
        locations = re.findall(r"<loc>([^<]+)</loc>", response.content.decode())
        parts = {}
        for location in locations:
            path = urlsplit(location).path + (
                f"?{urlsplit(location).query}" if urlsplit(location).query else ""
            )
            found = re.search(r"sitemap-([a-z]+)(-\d{4}-\d{2})?", path)
            if found:
                parts.setdefault(found[1], []).append(path)
        return parts

    def sitemap_part(self, kind):
        if kind.endswith("month"):
            months = sorted(
                self.sitemap_parts.get("stories", []),
                key=lambda path: re.search(r"\d{4}-\d{2}", path)[0],
            )
            if not months:
                raise Skip("no story months in the sitemap index")
            return months[-1] if kind.startswith("newest") else months[0]
        if kind not in self.sitemap_parts:
            raise Skip(f"no {kind} part in the sitemap index")
        return self.sitemap_parts[kind][0]

    def read_api_next(self):
        response = self.client.get(url("api-articles"))
        following = response.json().get("next")
        if not following:
            raise Skip("the API's first page has no next link")
        parts = urlsplit(following)
        return f"{parts.path}?{parts.query}"


def middle_month(stories):
    """(year, month) of the story halfway down `stories`, newest first."""
    halfway = stories.count() // 2
    moment = stories.values_list("published_at", flat=True)[halfway]
    return moment.year, moment.month


def measure(client, path, runs):
    """[ms, …], the queries and the size of `runs` requests for `path`, every
    cache cleared before each."""
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # templates compiled, modules imported
    times = []
    for _ in range(runs):
        for cache in caches.all():
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
    return times, len(queries), len(response.content), response.status_code


def p95(times):
    ordered = sorted(times)
    return ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]


def run_pages(args, stories, table):
    from django.contrib.auth.models import User
    from django.test import Client

    client, desk = Client(), Client()  # a reader, and an editor for the admin
    editor, _ = User.objects.get_or_create(
        username="bench-archive", defaults={"is_staff": True, "is_superuser": True}
    )
    desk.force_login(editor)
    try:
        site = Site(client)
    except Skip as reason:
        site = None
        print(f"  (pages needing the sitemap index or the API skipped: {reason})")
    print(
        f"\n{stories:,} stories; {args.runs} requests a page, caches cleared; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"  {'page':<28}{'median':>9}{'p95':>9}{'queries':>9}{'KB':>8}  status")
    for label, where in PAGES.items():
        if args.only and args.only not in label:
            continue
        try:
            if site is None:
                raise Skip("no site facts")
            path = where(site)
        except Skip as reason:
            print(f"  {label:<28}skipped: {reason}")
            continue
        asking = desk if path.startswith(ADMIN_LIST) else client
        times, queries, size, status = measure(asking, path, args.runs)
        median = statistics.median(times)
        table.setdefault(label, {})[stories] = (median, queries)
        print(
            f"  {label:<28}{median:7.1f}ms{p95(times):7.1f}ms{queries:>9}"
            f"{size / 1024:8.1f}  {status}"
        )


def print_summary(table, sizes):
    """A Markdown table for docs/benchmarks.md: median ms (queries) by size."""
    print("\n| page | " + " | ".join(f"{size:,}" for size in sizes) + " |")
    print("| --- |" + " --- |" * len(sizes))
    for label, by_size in table.items():
        cells = [
            f"{by_size[size][0]:.1f} ms ({by_size[size][1]})"
            if size in by_size
            else "–"
            for size in sizes
        ]
        print(f"| {label} | " + " | ".join(cells) + " |")


def main():
    args = parse_args()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/archive.py measures PostgreSQL: set DATABASE_URL to one.")
    ensure_database(database_url)
    set_up(database_url)
    from articles.models import Article

    table, measured = {}, []
    sizes = [None] if args.reuse else args.sizes
    for size in sizes:
        if size is not None:
            seconds = grow(size, args.jobs)
            print(f"Grown to {size:,} stories in {timedelta(seconds=round(seconds))}.")
        stories = Article.objects.count()
        measured.append(stories)
        run_pages(args, stories, table)
    print_summary(table, measured)


if __name__ == "__main__":
    main()

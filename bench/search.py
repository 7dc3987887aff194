"""Search latency over 100,000 generated stories on PostgreSQL.

    .venv/bin/python bench/search.py [--stories 100000] [--runs 200] [--drop]

Uses its own database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/benchsearch), creates it when missing and
keeps it for the next run unless --drop is given. Each query goes through the
search page's own code: the archive FilterSet, the page of results with
bylines, and the highlighted snippets; the "whole page" rows go through the
middleware, the view and the template as a reader's request does. Prints the
median and 95th percentile, and a fixed piece of Python's time, so that runs
on machines of different speeds can be compared.
"""

import argparse
import itertools
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/benchsearch"
PAGE_SIZE = 12
BATCH = 2000


def _words(text):
    return text.split()


# Text follows Zipf's law: function words first (English drops them as stop
# words; 'simple' keeps them), then a newsroom's everyday words, then thousands
# of rarer generated ones.
FUNCTION_WORDS = _words(
    "the of and to in a is that for on was with as by at from it be have are "
    "were said this has but not an which who they their will been its after"
)
NEWS_WORDS = _words(
    "baku tbilisi yerevan ukraine russia georgia armenia azerbaijan protest rally "
    "election parliament government minister president opposition police court "
    "border war peace embassy humanitarian aid journalists media freedom law "
    "energy gas oil economy budget prices villagers refugees soldiers ceasefire "
    "бакинці україна протест bakılılar azərbaycan qardaşlar"
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200, help="queries per kind")
    parser.add_argument(
        "--fresh", action="store_true", help="start from an empty database"
    )
    parser.add_argument("--drop", action="store_true", help="drop the database after")
    return parser.parse_args()


def ensure_database(url):
    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url):
    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def vocabulary(rng, size=20000):
    syllables = [
        "ka",
        "ri",
        "to",
        "ba",
        "ku",
        "an",
        "el",
        "mi",
        "so",
        "ve",
        "ta",
        "li",
        "ar",
        "ge",
        "on",
        "ru",
        "pa",
        "ni",
        "de",
        "sa",
    ]
    words = set()
    while len(words) < size:
        words.add("".join(rng.choices(syllables, k=rng.randint(2, 4))))
    return FUNCTION_WORDS + NEWS_WORDS + sorted(words)


def zipf_weights(count):
    """Cumulative weights (computed once: random.choices would redo it per call)."""
    return list(itertools.accumulate(1 / (rank + 1) for rank in range(count)))


def generate(count):
    from django.utils import timezone

    from articles.models import (
        Article,
        Author,
        Byline,
        Outlet,
        Section,
        Tag,
        TaggedArticle,
    )
    from articles.search import index_articles

    rng = random.Random(5)
    words = vocabulary(rng)
    weights = zipf_weights(len(words))

    def text(length):
        return " ".join(rng.choices(words, cum_weights=weights, k=length))

    house, _ = Outlet.objects.get_or_create(
        slug="bench-house", defaults={"name": "Bench", "is_house": True}
    )
    sections = [
        Section.objects.get_or_create(slug=f"bench-{n}", defaults={"name": f"S{n}"})[0]
        for n in range(6)
    ]
    authors = [
        Author.objects.get_or_create(slug=f"bench-{n}", defaults={"name": f"A{n}"})[0]
        for n in range(60)
    ]
    tags = [
        Tag.objects.get_or_create(
            slug=f"bench-{n}", defaults={"name": words[len(FUNCTION_WORDS) + n * 7]}
        )[0]
        for n in range(300)
    ]
    now = timezone.now()
    done = Article.objects.filter(slug__startswith="bench-").count()
    started = time.perf_counter()
    for start in range(done, count, BATCH):
        stories = Article.objects.bulk_create(
            Article(
                headline=text(rng.randint(6, 12)).capitalize(),
                slug=f"bench-{n}",
                standfirst=text(rng.randint(20, 35)),
                body="".join(
                    f"<p>{text(rng.randint(25, 45))}</p>"
                    for _ in range(rng.randint(4, 8))
                ),
                section=rng.choice(sections),
                outlet=house,
                language="en",
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(minutes=rng.randint(1, 5 * 365 * 24 * 60)),
            )
            for n in range(start, min(start + BATCH, count))
        )
        Byline.objects.bulk_create(
            Byline(
                article=story,
                author=rng.choice(authors),
                **Byline.copied_from(story),
            )
            for story in stories
        )
        TaggedArticle.objects.bulk_create(
            TaggedArticle(
                content_object=story,
                tag=tag,
                **TaggedArticle.copied_from(story),
            )
            for story in stories
            for tag in rng.sample(tags, rng.randint(1, 4))
        )
        index_articles([story.pk for story in stories])
        made = start + len(stories)
        rate = (made - done) / (time.perf_counter() - started)
        print(f"  {made:,} stories generated and indexed ({rate:,.0f}/s)", end="\r")
    print()
    return words, weights


def timed(query):
    from articles.models import Article
    from articles.search import add_snippets
    from articles.search.filters import ArticleFilter

    started = time.perf_counter()
    filterset = ArticleFilter(query, queryset=Article.objects.published().for_listing())
    assert filterset.is_valid(), filterset.errors
    results = filterset.qs
    results.count()
    page = list(results[:PAGE_SIZE])
    add_snippets(page, query.get("q", ""))
    return (time.perf_counter() - started) * 1000


def page_timer():
    """Times a query as a reader's request for the search page."""
    from django.test import Client

    client = Client()

    def timed_page(query):
        started = time.perf_counter()
        response = client.get("/search/", query, secure=True, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, response.status_code
        return (time.perf_counter() - started) * 1000

    return timed_page


def python_reference_ms():
    """The fastest of five runs of a fixed piece of pure Python: this
    machine's speed, beside the figures."""
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        sorted(str(n * 7919 % 100_003) for n in range(200_000))
        runs.append((time.perf_counter() - started) * 1000)
    return min(runs)


def measure(label, queries, run=timed):
    for query in queries[:10]:  # warm the caches
        run(query)
    timings = sorted(((run(query), query) for query in queries), key=lambda t: t[0])
    times = [ms for ms, _ in timings]
    p95 = times[max(0, round(len(times) * 0.95) - 1)]
    slowest_ms, slowest = timings[-1]
    print(
        f"{label:<38} median {statistics.median(times):6.1f} ms   "
        f"p95 {p95:6.1f} ms   max {slowest_ms:6.1f} ms ({slowest['q']!r})"
    )


def main():
    args = parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if args.fresh:
        drop_database(url)
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from articles.models import Section

    call_command("migrate", verbosity=0)
    # The whole-page rows render the template, which names the static files.
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"Database {url.rsplit('/', 1)[1]}: preparing {args.stories:,} stories")
    words, weights = generate(args.stories)
    # What autovacuum does on a running site (some servers have it off): the
    # planner's statistics, and the visibility map index-only scans rely on.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    rng = random.Random(7)
    one = [{"q": w} for w in rng.choices(words, cum_weights=weights, k=args.runs)]
    two = [
        {"q": " ".join(rng.choices(words, cum_weights=weights, k=2))}
        for _ in range(args.runs)
    ]
    first_rare = len(FUNCTION_WORDS) + len(NEWS_WORDS)
    news = [{"q": w} for w in rng.choices(NEWS_WORDS, k=args.runs)]
    rare = [{"q": w} for w in rng.choices(words[first_rare:], k=args.runs)]
    section = Section.objects.filter(slug__startswith="bench-").first().slug
    filtered = [
        {"q": w, "section": section, "published_after": "2024-01-01"}
        for w in rng.choices(words, cum_weights=weights, k=args.runs)
    ]
    print(
        f"PostgreSQL {connection.pg_version}; page of {PAGE_SIZE} with snippets; "
        f"{args.runs} queries each; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores; Python reference {python_reference_ms():.1f} ms"
    )
    measure("one word (by frequency)", one)
    measure("one everyday news word", news)
    measure("one rare word", rare)
    measure("two words (by frequency)", two)
    measure("one word + section + date", filtered)
    whole_page = page_timer()
    measure("one word, whole page", one, whole_page)
    measure("one word + section + date, whole page", filtered, whole_page)
    if args.drop:
        from django.db import connections

        connections.close_all()
        drop_database(url)
        print("Database dropped.")


if __name__ == "__main__":
    main()

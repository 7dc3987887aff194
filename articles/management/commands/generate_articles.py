"""Fill the archive with realistic generated stories, for load tests and demos.

In the default language, or any of the site's languages with --language (several
at once: en,ru,ka, or all): the stories are written by
articles/management/generated_stories.py, in English from its word lists, in the
others from articles/management/generated_text/, with people's names from Faker.

`generate_articles N` fills the archive up to N generated stories; `--count N`
adds N more. Stories are written a batch at a time, each batch committed with
its bylines, tags and search documents (bulk inserts), so an interrupted run
keeps what it made and the next one carries on after it; on PostgreSQL --jobs 2
writes batches in two processes. A million stories take about half an hour
(docs/benchmarks.md).
"""

import random
import re
import time
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.utils import timezone

from articles import editions
from articles.management import generated_text
from articles.management.generated_stories import (
    ENGLISH,
    TRANSLATED_EVERY,
    Cast,
    LanguageCast,
    Timeline,
    chunked,
    slug_prefix,
)
from articles.models import Article, Byline, SitemapMonth, TaggedArticle
from articles.search import index_articles
from articles.serving.invalidation import forget_pages

BATCH = 500
# The newest stories of a language read to find the highest number in use.
NUMBERS_READ = 20_000

# The casts and timelines of a run, set before worker processes fork.
_run = {}


class Command(BaseCommand):
    help = (
        "Generate stories until the archive holds N generated ones, or N more "
        "with --count (safe to run again)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "total",
            nargs="?",
            type=int,
            metavar="N",
            help="Fill the archive up to N generated stories (in the languages).",
        )
        parser.add_argument(
            "--count", type=int, metavar="N", help="Add N more generated stories."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed.")
        parser.add_argument(
            "--language",
            metavar="CODES",
            help="The stories' language, one of the site's (settings.LANGUAGES), "
            "several separated by commas (shared evenly), or 'all'; the default "
            "language when left out.",
        )
        parser.add_argument(
            "--years",
            type=int,
            default=10,
            help="Years of publication dates the stories spread over (10).",
        )
        parser.add_argument(
            "--batch", type=int, default=BATCH, help=f"Stories a batch ({BATCH})."
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="Processes writing batches at once (more than one on PostgreSQL).",
        )

    def handle(self, *args, total, count, seed, language, years, batch, jobs, **_):
        codes = languages_to_write(language)
        check_numbers(total, count, years, batch, jobs)
        existing = {code: generated(code).count() for code in codes}
        wanted = max(0, total - sum(existing.values())) if count is None else count
        where = "" if codes == [ENGLISH] else f" in {', '.join(codes)}"
        if not wanted:
            self.stdout.write(
                f"The archive already holds {sum(existing.values())} "
                f"generated stories{where}."
            )
            return
        shares = share(wanted, codes)
        plan = []
        anchor = timezone.now()
        for code in codes:
            plan += self.prepare(
                code, existing[code], shares[code], seed, years, anchor
            )
        plan = interleaved(plan, batch)
        translations = self.write(plan, wanted, jobs)
        link_translations(translations)
        # Bulk inserts send no signals: bring the sitemap's months up to date
        # and forget cached pages ourselves.
        SitemapMonth.objects.rebuild()
        forget_pages()
        # Fresh planner statistics, as a database that grew by use would have:
        # without them PostgreSQL plans queries as if the tables were empty.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stderr.write("")
        made = sum(existing.values()) + wanted
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {wanted} stories{where} ({made} generated{where} in all)."
            )
        )

    def prepare(self, code, existing, wanted, seed, years, anchor):
        """Build the language's cast; give its (code, first, last) numbers."""
        if not wanted:
            return []
        if code == ENGLISH:
            rng = random.Random(seed + existing)
        else:  # a string seeds the same way in every process
            rng = random.Random(f"{seed}-{code}-{existing}")
        with transaction.atomic():
            if code == ENGLISH:
                cast = Cast.build(rng, existing + wanted)
            else:
                cast = LanguageCast.build(rng, existing + wanted, code)
        first = next_number(code, existing)
        timeline = Timeline.over(years, first, wanted, anchor, seed)
        _run[code] = (cast, timeline, seed)
        return [(code, first, first + wanted)]

    def write(self, plan, wanted, jobs):
        """Write the batches, in worker processes when jobs > 1; give the
        [(story id, number)] of stories to link to their English original."""
        translations, done, started = [], 0, time.monotonic()
        if jobs == 1:
            results = map(write_batch, plan)
        else:
            connections.close_all()  # each process opens its own
            import multiprocessing

            pool = multiprocessing.get_context("fork").Pool(jobs)
            results = pool.imap_unordered(write_batch, plan)
        try:
            for code, made, to_link in results:
                done += made
                translations += [(code, *pair) for pair in to_link]
                progress(self.stderr, done, wanted, time.monotonic() - started)
        finally:
            if jobs > 1:
                pool.close()
                pool.join()
        return translations


def languages_to_write(requested):
    """The languages to write in: those requested (CODE, CODE,CODE or all)."""
    if requested is None:
        return [language_to_write(None)]
    if requested.strip().lower() == "all":
        configured = editions.codes()
        return [c for c in configured if c == ENGLISH or c in generated_text.TEXTS]
    codes = [language_to_write(code) for code in requested.split(",")]
    return list(dict.fromkeys(codes))


def language_to_write(requested):
    """The language to write in: `requested` if the site has it and there is
    text for it; left out, the default language, or English (as before there
    was a choice) when there is no text in the default one."""
    configured = editions.codes()
    if requested is None:
        default = editions.default()
        return default if default in generated_text.TEXTS else ENGLISH
    code = requested.strip().lower()
    if code not in configured:
        raise CommandError(
            f"{requested!r} is not one of the site's languages: "
            f"{', '.join(configured)} (settings.LANGUAGES)."
        )
    if code != ENGLISH and code not in generated_text.TEXTS:
        writable = [c for c in configured if c == ENGLISH or c in generated_text.TEXTS]
        raise CommandError(
            f"There are no word lists for {code!r}; of the site's languages "
            f"({', '.join(configured)}) stories can be generated in "
            f"{', '.join(writable) or 'none'}."
        )
    return code


def check_numbers(total, count, years, batch, jobs):
    if (total is None) == (count is None):
        raise CommandError(
            "Give how many stories: N (up to N generated) or --count N (N more)."
        )
    numbers = {"count": total if count is None else count, "--years": years}
    for name, value in {**numbers, "--batch": batch, "--jobs": jobs}.items():
        if value < 1:
            raise CommandError(f"{name} must be a positive number, not {value}.")
    if jobs > 1 and connection.vendor != "postgresql":
        raise CommandError("--jobs above 1 needs PostgreSQL (DATABASE_URL).")


def generated(code):
    return Article.objects.filter(slug__startswith=slug_prefix(code), language=code)


def next_number(code, existing):
    """The first number free in the language: past the highest in use, which
    is past the count when generated stories have been deleted."""
    prefix = slug_prefix(code)
    newest = generated(code).order_by("-pk").values_list("slug", flat=True)
    numbers = (re.match(r"\d+", slug[len(prefix) :]) for slug in newest[:NUMBERS_READ])
    return max([existing, *(int(found[0]) for found in numbers if found)])


def share(wanted, codes):
    """`wanted` stories shared evenly between the languages, the first first."""
    each, left = divmod(wanted, len(codes))
    return {code: each + (n < left) for n, code in enumerate(codes)}


def interleaved(plan, batch):
    """The languages' numbers in batches, taking turns: a language's batch n
    after English's, so its translations' originals are mostly there."""
    queues = [
        [(code, start, min(stop, start + batch)) for start in range(first, stop, batch)]
        for code, first, stop in plan
    ]
    return [spec for turn in zip_longest_filled(queues) for spec in turn]


def zip_longest_filled(queues):
    for n in range(max(len(queue) for queue in queues)):
        yield [queue[n] for queue in queues if n < len(queue)]


def write_batch(spec):
    """Write stories numbered start to stop in the language: they, their
    bylines, tags and search documents in one transaction."""
    code, start, stop = spec
    cast, timeline, seed = _run[code]
    if code == ENGLISH:
        rng = random.Random(seed * 1_000_003 + start)
    else:
        rng = random.Random(f"{seed}-{code}-{start}")
    with transaction.atomic():
        stories = [cast.story(rng, n, timeline) for n in range(start, stop)]
        Article.objects.bulk_create(stories)
        Byline.objects.bulk_create(
            Byline(
                article=story,
                author=author,
                position=position,
                **Byline.copied_from(story),
            )
            for story in stories
            for position, author in enumerate(cast.byline(rng))
        )
        TaggedArticle.objects.bulk_create(
            TaggedArticle(
                tag=tag,
                content_object=story,
                **TaggedArticle.copied_from(story),
            )
            for story in stories
            for tag in cast.story_tags(rng, story)
        )
        # Bulk inserts send no signals: index the stories for search ourselves.
        index_articles([story.pk for story in stories])
    if code == ENGLISH:
        return code, len(stories), []
    to_link = [
        (story.pk, n)
        for n, story in enumerate(stories, start)
        if n % TRANSLATED_EVERY == 0 and story.published_at
    ]
    return code, len(stories), to_link


def link_translations(translations):
    """Each story of [(code, id, number)] a translation of the English story
    of its number, where there is one."""
    for chunk in chunked(translations):
        wanted = defaultdict(list)
        for _, pk, n in chunk:
            wanted[f"{slug_prefix(ENGLISH)}{n + 1:06d}"].append(pk)
        originals = generated(ENGLISH).filter(slug__in=wanted)
        linked = [
            Article(pk=pk, translation_of_id=original)
            for slug, original in originals.values_list("slug", "pk")
            for pk in wanted[slug]
        ]
        Article.objects.bulk_update(linked, ["translation_of"])


def progress(stream, done, total, seconds, width=40):
    filled = width * done // total
    bar = f"[{'#' * filled}{'.' * (width - filled)}]"
    rate = done / seconds if seconds else 0
    left = f", {(total - done) / rate / 60:.0f} min left" if rate else ""
    stream.write(
        f"\r{bar} {done}/{total} stories, {rate:.0f} a second{left}  ", ending=""
    )
    stream.flush()

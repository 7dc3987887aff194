"""Fill the archive with N realistic generated stories, for load tests and demos.

In the default language, or any of the site's languages with --language: the
stories are written by articles/management/generated_stories.py, in English from
its word lists, in the others from articles/management/generated_text/, with
people's names from Faker.
"""

import random

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from articles import editions
from articles.management import generated_text
from articles.management.generated_stories import (
    ENGLISH,
    Cast,
    LanguageCast,
    slug_prefix,
)
from articles.models import Article, Byline, TaggedArticle
from articles.search import index_articles
from articles.serving.invalidation import forget_pages

BATCH = 500


class Command(BaseCommand):
    help = (
        "Generate stories until the archive holds N generated ones (safe to run again)."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="How many generated stories.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed.")
        parser.add_argument(
            "--language",
            metavar="CODE",
            help="The stories' language, one of the site's (settings.LANGUAGES); "
            "the default language when left out. N counts the stories in it.",
        )

    def handle(self, *args, count, seed, language=None, **options):
        if count < 1:
            raise CommandError(f"count must be a positive number, not {count}.")
        code = language_to_write(language)
        where = "" if code == ENGLISH else f" in {code}"
        existing = Article.objects.filter(
            slug__startswith=slug_prefix(code), language=code
        ).count()
        wanted = max(0, count - existing)
        if not wanted:
            self.stdout.write(
                f"The archive already holds {existing} generated stories{where}."
            )
            return
        if code == ENGLISH:
            rng = random.Random(seed + existing)
        else:  # a string seeds the same way in every process
            rng = random.Random(f"{seed}-{code}-{existing}")
        with transaction.atomic():
            if code == ENGLISH:
                cast = Cast.build(rng, count)
            else:
                cast = LanguageCast.build(rng, count, code)
            for start in range(existing, existing + wanted, BATCH):
                stop = min(existing + wanted, start + BATCH)
                self.create_batch(rng, cast, range(start, stop))
                progress(self.stderr, stop - existing, wanted)
        # Bulk inserts send no signals: forget cached pages ourselves.
        forget_pages()
        # Fresh planner statistics, as a database that grew by use would have:
        # without them PostgreSQL plans the story page's related stories as if
        # the tables were empty and takes hundreds of milliseconds.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stderr.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {wanted} stories{where} "
                f"({existing + wanted} generated{where} in all)."
            )
        )

    def create_batch(self, rng, cast, numbers):
        now = timezone.now()
        stories = [cast.story(rng, n, now) for n in numbers]
        Article.objects.bulk_create(stories)
        stories = list(
            Article.objects.filter(slug__in=[s.slug for s in stories]).only(
                "pk", "slug"
            )
        )
        Byline.objects.bulk_create(
            Byline(article=story, author=author, position=position)
            for story in stories
            for position, author in enumerate(rng.sample(cast.authors, 2))
        )
        TaggedArticle.objects.bulk_create(
            TaggedArticle(tag=tag, content_object=story)
            for story in stories
            for tag in cast.story_tags(rng, story)
        )
        # Bulk inserts send no signals: index the stories for search ourselves.
        index_articles([story.pk for story in stories])


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


def progress(stream, done, total, width=40):
    filled = width * done // total
    bar = f"[{'#' * filled}{'.' * (width - filled)}]"
    stream.write(f"\r{bar} {done}/{total} stories", ending="")
    stream.flush()

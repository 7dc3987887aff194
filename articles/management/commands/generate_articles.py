"""Fill the archive with N realistic generated stories, for load tests and demos."""

import random
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from articles import slugs
from articles.management import placeholders
from articles.models import (
    Article,
    Author,
    Byline,
    Image,
    Outlet,
    Section,
    Tag,
    TaggedArticle,
)
from articles.search import index_articles
from articles.serving.generation import forget_pages

SLUG_PREFIX = "generated-"
BATCH = 500
# One story in this many is left as a draft, so drafts are in the mix.
DRAFT_EVERY = 50
SECTIONS = ["News", "Politics", "Society", "Economy", "Photo report", "Opinion"]
PLACES = [
    "Tbilisi", "Baku", "Yerevan", "Sukhumi", "Tskhinvali", "Stepanakert", "Batumi",
    "Kutaisi", "Ganja", "Gyumri", "Grozny", "Makhachkala", "Nalchik", "Vladikavkaz",
]  # fmt: skip
TOPICS = [
    "elections", "protests", "media freedom", "energy", "migration", "courts",
    "border", "climate", "education", "health", "economy", "culture", "sport",
    "human rights", "parliament", "labour", "housing", "minorities", "tourism",
]  # fmt: skip
FIRST = ["Nino", "Elnur", "Anahit", "Giorgi", "Leyla", "Armen", "Mariam", "Rauf"]
LAST = ["Beridze", "Aliyeva", "Petrosyan", "Kapanadze", "Huseynov", "Sargsyan"]
WORDS = [
    "residents",
    "officials",
    "said",
    "the",
    "government",
    "week",
    "council",
    "ministry",
    "protest",
    "city",
    "village",
    "road",
    "water",
    "report",
    "journalists",
    "police",
    "court",
    "decision",
    "opposition",
    "budget",
    "schools",
    "hospital",
    "workers",
    "families",
    "border",
    "election",
    "campaign",
    "vote",
    "statement",
    "according",
    "to",
    "local",
    "sources",
    "activists",
    "investigation",
    "winter",
    "prices",
    "salaries",
    "rally",
    "square",
    "evening",
    "morning",
    "district",
    "region",
    "law",
    "draft",
]


class Command(BaseCommand):
    help = (
        "Generate stories until the archive holds N generated ones (safe to run again)."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="How many generated stories.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed.")

    def handle(self, *args, count, seed, **options):
        if count < 1:
            raise CommandError(f"count must be a positive number, not {count}.")
        existing = Article.objects.filter(slug__startswith=SLUG_PREFIX).count()
        wanted = max(0, count - existing)
        if not wanted:
            self.stdout.write(
                f"The archive already holds {existing} generated stories."
            )
            return
        rng = random.Random(seed + existing)
        with transaction.atomic():
            cast = Cast.build(rng, count)
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
                f"Created {wanted} stories ({existing + wanted} generated in all)."
            )
        )

    def create_batch(self, rng, cast, numbers):
        now = timezone.now()
        stories = [cast.story(rng, n, now) for n in numbers]
        Article.objects.bulk_create(stories)
        stories = list(
            Article.objects.filter(slug__in=[s.slug for s in stories]).only("pk")
        )
        Byline.objects.bulk_create(
            Byline(article=story, author=author, position=position)
            for story in stories
            for position, author in enumerate(rng.sample(cast.authors, 2))
        )
        TaggedArticle.objects.bulk_create(
            TaggedArticle(tag=tag, content_object=story)
            for story in stories
            for tag in rng.sample(cast.tags, 3)
        )
        # Bulk inserts send no signals: index the stories for search ourselves.
        index_articles([story.pk for story in stories])


class Cast:
    """The sections, outlets, authors, tags and pictures stories are made from."""

    @classmethod
    def build(cls, rng, count):
        cast = cls()
        cast.sections = [
            Section.objects.get_or_create(
                slug=name.lower().replace(" ", "-"),
                defaults={"name": name, "position": position},
            )[0]
            for position, name in enumerate(SECTIONS)
        ]
        house = Outlet.objects.house() or Outlet.objects.create(
            name=settings.NEWSROOM_SITE_NAME, slug="house", is_house=True
        )
        partner, _ = Outlet.objects.get_or_create(
            slug=f"{SLUG_PREFIX}partner", defaults={"name": "Partner Network"}
        )
        cast.outlets = [house] * 4 + [partner]
        cast.authors = [
            Author.objects.get_or_create(
                slug=f"{SLUG_PREFIX}author-{n}",
                defaults={"name": f"{FIRST[n % len(FIRST)]} {LAST[n % len(LAST)]}"},
            )[0]
            for n in range(max(5, count // 20))
        ]
        names = [f"{p} {t}" for p in PLACES for t in TOPICS][: max(20, count // 4)]
        Tag.objects.bulk_create(
            [Tag(name=name, slug=slugs.slugify(name)) for name in names],
            ignore_conflicts=True,
        )
        cast.tags = list(Tag.objects.filter(name__in=names))
        cast.pictures = [picture(name) for name in sorted(placeholders.PLACEHOLDERS)]
        return cast

    def story(self, rng, n, now):
        place, topic = rng.choice(PLACES), rng.choice(TOPICS)
        draft = n % DRAFT_EVERY == DRAFT_EVERY - 1
        outlet = rng.choice(self.outlets)
        return Article(
            headline=f"{place}: {sentence(rng, 6).rstrip('.')} over {topic}",
            slug=f"{SLUG_PREFIX}{n + 1:06d}",
            standfirst=sentence(rng, 24),
            body=body(rng),
            section=rng.choice(self.sections),
            outlet=outlet,
            original_url="" if outlet.is_house else f"https://partner.example/{n}",
            lead_image=rng.choice(self.pictures) if self.pictures else None,
            status=Article.Status.DRAFT if draft else Article.Status.PUBLISHED,
            published_at=None if draft else now - timedelta(hours=n, minutes=7),
        )


def picture(name):
    title = f"Generated: {Path(name).stem}"
    image = Image.objects.filter(title=title).first()
    if image is None:
        image = Image.objects.create(
            title=title,
            alt_text="A crowd in a city square (placeholder picture)",
            credit="Placeholder",
            file=ContentFile(placeholders.jpeg(name), name=name),
        )
    return image


def sentence(rng, words):
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(words // 2, words)))
    return text[0].upper() + text[1:] + "."


def body(rng):
    blocks = []
    for n in range(rng.randint(8, 16)):
        if n and n % 6 == 0:
            blocks.append(f"<h2>{sentence(rng, 6).rstrip('.')}</h2>")
        elif n % 5 == 3:
            blocks.append(f"<blockquote><p>{sentence(rng, 20)}</p></blockquote>")
        text = " ".join(sentence(rng, 22) for _ in range(rng.randint(2, 4)))
        blocks.append(f"<p>{text}</p>")
    return "".join(blocks)


def progress(stream, done, total, width=40):
    filled = width * done // total
    bar = f"[{'#' * filled}{'.' * (width - filled)}]"
    stream.write(f"\r{bar} {done}/{total} stories", ending="")
    stream.flush()

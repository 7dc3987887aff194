"""The stories generate_articles writes: their sections, outlets, authors, tags
and pictures (a Cast), and their words.

In English from the word lists below, in the site's other languages from
articles/management/generated_text/, with people's names from Faker.
"""

import random
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import CommandError

from articles import slugs
from articles.management import generated_text, placeholders
from articles.models import Article, Author, Image, Outlet, Section, Tag

# Stories without --language, or with --language en, are written in English
# from the word lists below, as they always were.
ENGLISH = "en"
SLUG_PREFIX = "generated-"
# Generated stories' addresses in other languages than English: the prefix, the
# number and the headline in Latin letters (articles.slugs), within this.
SLUG_LENGTH = 100
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


def slug_prefix(code):
    """How generated stories' slugs begin: the English ones' as they always did."""
    return SLUG_PREFIX if code == ENGLISH else f"{SLUG_PREFIX}{code}-"


class Cast:
    """The sections, outlets, authors, tags and pictures stories are made from."""

    @classmethod
    def build(cls, rng, count, *args):
        cast = cls(*args)
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
            Author.objects.get_or_create(slug=slug, defaults={"name": name})[0]
            for slug, name in cast.author_names(max(5, count // 20))
        ]
        cast.tags = tags_named(cast.tag_names(max(20, count // 4)))
        cast.pictures = [picture(name) for name in sorted(placeholders.PLACEHOLDERS)]
        return cast

    def author_names(self, count):
        """(slug, name) of each author: the same each run, found by the slug."""
        for n in range(count):
            yield (
                f"{SLUG_PREFIX}author-{n}",
                f"{FIRST[n % len(FIRST)]} {LAST[n % len(LAST)]}",
            )

    def tag_names(self, count):
        return [f"{p} {t}" for p in PLACES for t in TOPICS][:count]

    def story_tags(self, rng, story):
        return rng.sample(self.tags, 3)

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
            language=ENGLISH,
        )


class LanguageCast(Cast):
    """The cast of stories in another language than English: its authors, its
    tags (a topic in a place) and its words, from generated_text."""

    def __init__(self, code):
        try:
            from faker import Faker
        except ImportError:
            raise CommandError(
                "--language needs Faker, a development dependency: "
                "pip install -r requirements-dev.txt"
            ) from None
        self.code = code
        self.prefix = slug_prefix(code)
        self.text = generated_text.TEXTS[code]
        self.fake = Faker(self.text.faker_locale)
        # Each topic in each place, in an order of their own (the same every
        # run); the first so many are the tags, and each story is about one.
        self.subjects = [
            (place, topic) for place in self.text.places for topic in self.text.topics
        ]
        random.Random(f"{SLUG_PREFIX}{code}-tags").shuffle(self.subjects)
        self.own_tags = {}

    @classmethod
    def build(cls, rng, count, code):
        cast = super().build(rng, count, code)
        cast.tag_by_name = {tag.name: tag for tag in cast.tags}
        return cast

    def author_names(self, count):
        length = Author._meta.get_field("slug").max_length
        for n in range(count):
            # Each author's name is drawn from a seed of its own, so a run with
            # another --seed or count finds the authors made before.
            self.fake.random = random.Random(f"{self.prefix}author-{n}")
            name = self.person()
            slug = slugs.slugify(f"{self.prefix}author-{n} {name}", length, "author")
            yield slug, name

    def tag_names(self, count):
        self.subjects = self.subjects[:count]
        return [self.tag_name(place, topic) for place, topic in self.subjects]

    def tag_name(self, place, topic):
        return self.capitalised(self.text.tag.format(topic=topic[0], place_in=place[1]))

    def story_tags(self, rng, story):
        """The tag of the story's own topic and place, and two others."""
        own = self.own_tags.pop(story.slug)
        tags = rng.sample(self.tags, 3)
        return tags if own in tags else [own, *tags[1:]]

    def story(self, rng, n, now):
        self.fake.random = rng
        place, topic = rng.choice(self.subjects)
        draft = n % DRAFT_EVERY == DRAFT_EVERY - 1
        outlet = rng.choice(self.outlets)
        headline = self.headline(rng, place, topic)
        slug = slugs.slugify(f"{self.prefix}{n + 1:06d} {headline}", SLUG_LENGTH)
        self.own_tags[slug] = self.tag_by_name[self.tag_name(place, topic)]
        return Article(
            headline=headline,
            slug=slug,
            standfirst=" ".join(
                self.sentence(rng, place, topic, remarks=False)
                for _ in range(rng.randint(1, 2))
            ),
            body=self.body(rng, place, topic),
            section=rng.choice(self.sections),
            outlet=outlet,
            original_url="" if outlet.is_house else f"https://partner.example/{n}",
            lead_image=rng.choice(self.pictures) if self.pictures else None,
            status=Article.Status.DRAFT if draft else Article.Status.PUBLISHED,
            published_at=None if draft else now - timedelta(hours=n, minutes=7),
            language=self.code,
        )

    def capitalised(self, text):
        if not self.text.cased:  # str.upper() would make Georgian Mtavruli
            return text
        if self.text.dotted_i and text[0] == "i":
            return "İ" + text[1:]
        return text[0].upper() + text[1:]

    def filled(self, rng, template, place, topic):
        text = self.text
        return self.capitalised(
            template.format(
                place=place[0],
                place_in=place[1],
                topic=topic[0],
                topic_of=topic[1],
                subject=rng.choice(text.subjects),
                predicate=rng.choice(text.predicates),
                time=rng.choice(text.times),
                source=rng.choice(text.sources),
            )
        )

    def headline(self, rng, place, topic):
        return self.filled(rng, rng.choice(self.text.headlines), place, topic)

    def sentence(self, rng, place, topic, remarks=True):
        if remarks and rng.random() < 0.2:
            return self.filled(rng, rng.choice(self.text.remarks), place, topic)
        return self.filled(rng, rng.choice(self.text.sentences), place, topic)

    def person(self, female=None):
        fake = self.fake
        if female is None:
            female = fake.random.random() < 0.5
        if female:
            name = f"{fake.first_name_female()} {fake.last_name_female()}"
        else:
            name = f"{fake.first_name_male()} {fake.last_name_male()}"
        return " ".join(name.split())

    def quote(self, rng):
        female = rng.random() < 0.5
        said = rng.choice(self.text.said)[female]
        return said.format(quote=rng.choice(self.text.quotes), name=self.person(female))

    def body(self, rng, place, topic):
        """As body() below, in the language: crossheads, quotes, paragraphs."""
        blocks = []
        for n in range(rng.randint(8, 16)):
            if n and n % 6 == 0:
                blocks.append(f"<h2>{rng.choice(self.text.crossheads)}</h2>")
            elif n % 5 == 3:
                blocks.append(f"<blockquote><p>{self.quote(rng)}</p></blockquote>")
            text = " ".join(
                self.sentence(rng, place, topic) for _ in range(rng.randint(2, 4))
            )
            blocks.append(f"<p>{text}</p>")
        return "".join(blocks)


def tags_named(names):
    """The tags named `names`, in name order, made where missing.

    A new tag's slug is its name in Latin letters (articles.slugs), numbered
    past the slugs other tags hold: names in two languages can share one
    ("Gəncədə enerji" and "Gence'de enerji" are both gencede-enerji).
    """
    have = set(Tag.objects.filter(name__in=names).values_list("name", flat=True))
    length = Tag._meta.get_field("slug").max_length
    for name in names:
        if name not in have:
            slug = slugs.unique_slug(Tag.objects.all(), name, length, "tag")
            Tag.objects.create(name=name, slug=slug)
            have.add(name)
    return list(Tag.objects.filter(name__in=names))


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

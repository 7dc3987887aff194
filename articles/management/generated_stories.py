"""The stories generate_articles writes: their sections, outlets, authors, tags
and pictures (a Cast), when each is published (a Timeline), and their words.

In English from the word lists below, in the site's other languages from
articles/management/generated_text/, with people's names from Faker.

Story number n has the same section, outlet, status and time in every language
(its skeleton, drawn from the seed and n alone), so a generated translation of
story n reads as the same story in another edition. Tags and bylines follow a
long tail: a few tags and staff writers on many stories, most on a few.
"""

import itertools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
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
# One in this many is scheduled: published, at a time in the next fortnight.
SCHEDULED_EVERY = 200
SCHEDULED_AT = DRAFT_EVERY * 2 + 1  # never a draft's number, nor a translation's
# One story in this many, in other languages than English, translates the
# English story of its number (generate_articles links them).
TRANSLATED_EVERY = 5
# Authors per language: one for every 20 stories, within these bounds.
MIN_AUTHORS, MAX_AUTHORS = 5, 5000
# Rows read or written in one statement.
CHUNK = 1000
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
    "residents", "officials", "said", "the", "government", "week", "council",
    "ministry", "protest", "city", "village", "road", "water", "report",
    "journalists", "police", "court", "decision", "opposition", "budget", "schools",
    "hospital", "workers", "families", "border", "election", "campaign", "vote",
    "statement", "according", "to", "local", "sources", "activists",
    "investigation", "winter", "prices", "salaries", "rally", "square", "evening",
    "morning", "district", "region", "law", "draft"
]  # fmt: skip


def slug_prefix(code):
    """How generated stories' slugs begin: the English ones' as they always did."""
    return SLUG_PREFIX if code == ENGLISH else f"{SLUG_PREFIX}{code}-"


@dataclass(frozen=True)
class Timeline:
    """When story n is published: a run's stories, numbered from `first`,
    spread back from `anchor` `spacing` apart (the newest first, as an archive
    reads), each at a time of its own. Each run spreads its stories over the
    whole span, so an archive grown run by run is as dense in every year."""

    anchor: datetime
    spacing: timedelta
    first: int = 0
    seed: int = 1

    @classmethod
    def over(cls, years, first, count, anchor, seed=1):
        """Stories numbered `first` on, `count` of them, over `years` years."""
        span = timedelta(days=365.25 * years)
        return cls(anchor, span / max(1, count), first, seed)

    def skeleton(self, n):
        """Story n's own draws, the same in every language."""
        return random.Random(self.seed * 1_000_003 + n)

    def published_at(self, n, skeleton):
        """None for a draft; a time to come for a scheduled story."""
        if n % DRAFT_EVERY == DRAFT_EVERY - 1:
            return None
        if n % SCHEDULED_EVERY == SCHEDULED_AT:
            return self.anchor + timedelta(hours=skeleton.uniform(1, 14 * 24))
        moment = self.anchor - self.spacing * (n - self.first + skeleton.random())
        return min(moment, self.anchor - timedelta(minutes=7))


def zipf(count):
    """Cumulative weights of a long tail: the first of `count` items chosen
    about twice as often as the second, three times as often as the third."""
    return list(itertools.accumulate(1 / (rank + 1) for rank in range(count)))


def chunked(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Cast:
    """The sections, outlets, authors, tags and pictures stories are made from."""

    code = ENGLISH

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
        wanted = min(MAX_AUTHORS, max(MIN_AUTHORS, count // 20))
        cast.authors = authors_named(list(cast.author_names(wanted)))
        cast.author_weights = zipf(len(cast.authors))
        cast.tags = tags_named(cast.tag_names(max(20, count // 4)))
        cast.tag_weights = zipf(len(cast.tags))
        cast.pictures = [picture(name) for name in sorted(placeholders.PLACEHOLDERS)]
        return cast

    def author_names(self, count):
        """(slug, name) of each author: the same each run, found by the slug."""
        for n in range(count):
            first = FIRST[n % len(FIRST)]
            last = LAST[(n // len(FIRST) + n) % len(LAST)]
            yield f"{SLUG_PREFIX}author-{n}", f"{first} {last}"

    def tag_names(self, count):
        """A topic in a place, then the same in each year: the long tail."""
        subjects = [f"{p} {t}" for p in PLACES for t in TOPICS]
        random.Random(f"{SLUG_PREFIX}tags").shuffle(subjects)
        return tag_names_in_years(subjects, count)

    def story_tags(self, rng, story):
        return self.some_tags(rng, rng.randint(2, 4))

    def some_tags(self, rng, count, first=None):
        """`count` different tags, the most used the most often."""
        tags = [first] if first else []
        while len(tags) < count:
            tag = rng.choices(self.tags, cum_weights=self.tag_weights)[0]
            if tag not in tags:
                tags.append(tag)
        return tags

    def byline(self, rng):
        """One author, or two for a story in three."""
        first, second = rng.choices(self.authors, cum_weights=self.author_weights, k=2)
        return [first] if rng.random() < 2 / 3 or first == second else [first, second]

    def skeleton(self, timeline, n):
        """Section, outlet, status and time of story n, as in every language."""
        draws = timeline.skeleton(n)
        section = self.sections[draws.randrange(len(self.sections))]
        outlet = self.outlets[draws.randrange(len(self.outlets))]
        published_at = timeline.published_at(n, draws)
        return {
            "section": section,
            "outlet": outlet,
            "original_url": "" if outlet.is_house else f"https://partner.example/{n}",
            "status": Article.Status.PUBLISHED
            if published_at
            else Article.Status.DRAFT,
            "published_at": published_at,
        }

    def story(self, rng, n, timeline):
        place, topic = rng.choice(PLACES), rng.choice(TOPICS)
        return Article(
            headline=f"{place}: {sentence(rng, 6).rstrip('.')} over {topic}",
            slug=f"{SLUG_PREFIX}{n + 1:06d}",
            standfirst=sentence(rng, 24),
            body=body(rng),
            lead_image=rng.choice(self.pictures) if self.pictures else None,
            language=ENGLISH,
            **self.skeleton(timeline, n),
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
        names = [self.tag_name(place, topic) for place, topic in self.subjects]
        return tag_names_in_years(names, count)

    def tag_name(self, place, topic):
        return self.capitalised(self.text.tag.format(topic=topic[0], place_in=place[1]))

    def story_tags(self, rng, story):
        """The tag of the story's own topic and place, and one to three others."""
        return self.some_tags(rng, rng.randint(2, 4), self.own_tags.pop(story.slug))

    def skeleton(self, timeline, n):
        """As in English; a translation published an hour or a few after it."""
        skeleton = super().skeleton(timeline, n)
        published_at = skeleton["published_at"]
        if n % TRANSLATED_EVERY == 0 and published_at:
            later = published_at + timedelta(hours=1 + n % 6)
            skeleton["published_at"] = min(later, timeline.anchor)
        return skeleton

    def story(self, rng, n, timeline):
        self.fake.random = rng
        place, topic = rng.choice(self.subjects)
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
            lead_image=rng.choice(self.pictures) if self.pictures else None,
            language=self.code,
            **self.skeleton(timeline, n),
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


def tag_names_in_years(names, count):
    """`names`, then each of them in each of the last ten years ("Baku
    elections 2019"), the first `count` of them."""
    year = datetime.now().year
    in_years = (f"{name} {year - back}" for back in range(10) for name in names)
    return list(itertools.islice(itertools.chain(names, in_years), count))


def authors_named(names):
    """The authors of these (slug, name), in that order, made where missing."""
    have = {}
    for chunk in chunked(slug for slug, _ in names):
        have.update(Author.objects.in_bulk(chunk, field_name="slug"))
    Author.objects.bulk_create(
        Author(slug=slug, name=name) for slug, name in names if slug not in have
    )
    for chunk in chunked(slug for slug, _ in names if slug not in have):
        have.update(Author.objects.in_bulk(chunk, field_name="slug"))
    return [have[slug] for slug, _ in names]


def tags_named(names):
    """The tags named `names`, in that order, made where missing.

    A new tag's slug is its name in Latin letters (articles.slugs), numbered
    past the slugs other tags hold: names in two languages can share one
    ("Gəncədə enerji" and "Gence'de enerji" are both gencede-enerji).
    """
    have = {}
    for chunk in chunked(names):
        have.update(Tag.objects.in_bulk(chunk, field_name="name"))
    missing = [name for name in dict.fromkeys(names) if name not in have]
    addresses = {name: Tag.address(name) for name in missing}
    taken = set()
    for chunk in chunked(set(addresses.values())):
        taken.update(Tag.objects.filter(slug__in=chunk).values_list("slug", flat=True))
    length = Tag._meta.get_field("slug").max_length
    new = []
    for name in missing:
        slug = addresses[name]
        if slug in taken:  # numbered past other tags' and this call's
            prefix = Tag.objects.filter(slug__startswith=slug[: length - 4])
            taken.update(prefix.values_list("slug", flat=True))
            number = 2
            while slugs.numbered(slug, number, length) in taken:
                number += 1
            slug = slugs.numbered(slug, number, length)
        taken.add(slug)
        new.append(Tag(name=name, slug=slug))
    Tag.objects.bulk_create(new)
    for chunk in chunked(missing):
        have.update(Tag.objects.in_bulk(chunk, field_name="name"))
    return [have[name] for name in dict.fromkeys(names)]


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

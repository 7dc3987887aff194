"""The search documents: one SearchDocument row per story, kept in step by
signals (articles.signals) and written here.

On PostgreSQL each document holds a weighted tsvector in two configurations:
the story's language's, where PostgreSQL stems that language, and 'simple'
over the folded words; elsewhere the story's words folded (folding.fold) for
word matching.
"""

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import datetime

from django.db import connections

from articles.html import plain_text, split_blocks
from articles.models import Article, Embed, SearchDocument, TaggedArticle

from .folding import fold

# PostgreSQL's configurations by language: each stems its language's words
# ("rallies" finds "rally", "митинги" finds "митинг"). 'simple' keeps words of
# every language (Georgian, Azerbaijani…) as fold() folds them, on the
# stories' side and the reader's alike.
LANGUAGE_CONFIGS = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "eu": "basque", "fi": "finnish",
    "fr": "french", "ga": "irish", "hi": "hindi", "hu": "hungarian",
    "hy": "armenian", "id": "indonesian", "it": "italian", "lt": "lithuanian",
    "nb": "norwegian", "ne": "nepali", "nl": "dutch", "no": "norwegian",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian",
    "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}  # fmt: skip
FOLDED = "simple"
# Headline above standfirst above body above tags and embedded posts.
WEIGHTS = (("headline", "A"), ("standfirst", "B"), ("body", "C"), ("extra", "D"))
# Stories indexed in one statement when every story is.
INDEX_BATCH = 500


def text_config(language):
    """The configuration stories in `language` (a BCP 47 tag) are indexed in."""
    return LANGUAGE_CONFIGS.get((language or "").split("-")[0].lower(), FOLDED)


def is_postgresql(using="default"):
    return connections[using].vendor == "postgresql"


def index_articles(article_ids, using="default"):
    """Write the search documents of these stories, whatever their status."""
    rows = list(
        Article.objects.using(using)
        .filter(pk__in=list(article_ids))
        .values_list(
            "pk",
            "headline",
            "standfirst",
            "body",
            "section_id",
            "status",
            "published_at",
            "language",
        )
    )
    if not rows:
        return 0
    tags = _tag_names([pk for pk, *_ in rows], using)
    placed = {
        pk: [block.embed_slug for block in split_blocks(body) if block.embed_slug]
        for pk, _, _, body, *_ in rows
    }
    embeds = _embed_texts(placed, using)
    documents = [
        _document(row, tags[row[0]], [embeds.get(slug, "") for slug in placed[row[0]]])
        for row in rows
    ]
    if is_postgresql(using):
        _upsert_on_postgresql(documents, using)
    else:
        SearchDocument.objects.using(using).bulk_create(
            [document.for_sqlite() for document in documents],
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=["text", "folded", "section", "published_at", "language"],
        )
    return len(documents)


def _embed_texts(placed, using):
    """{slug: text} of the embeds that `placed` ({story: [slug, …]}) names."""
    slugs = {slug for story_slugs in placed.values() for slug in story_slugs}
    found = Embed.objects.using(using).filter(slug__in=slugs)
    return dict(found.values_list("slug", "text"))


def _document(row, tag_names, embed_texts):
    pk, headline, standfirst, body, section_id, status, published_at, language = row
    embed_text = [plain_text(text) for text in embed_texts]
    body_text = plain_text(body)
    return _Document(
        article_id=pk,
        headline=headline,
        standfirst=standfirst,
        body=body_text,
        extra=" ".join([*tag_names, *embed_text]),
        text=" ".join(filter(None, [standfirst, body_text, *embed_text])),
        section_id=section_id,
        published_at=published_at if status == Article.Status.PUBLISHED else None,
        language=language,
        config=text_config(language),
    )


def index_every_article(using="default", progress=None):
    """Write every story's search document, a batch at a time; calls
    `progress(done, total)` after each batch. Gives how many were written."""
    ids = list(Article.objects.using(using).order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), INDEX_BATCH):
        done += index_articles(ids[start : start + INDEX_BATCH], using)
        if progress:
            progress(done, len(ids))
    return done


@dataclass(frozen=True)
class _Document:
    article_id: int
    headline: str
    standfirst: str
    body: str
    extra: str  # tags and embedded posts
    text: str  # what snippets are cut from
    section_id: int
    published_at: datetime | None
    language: str
    config: str  # the language's text search configuration

    def for_sqlite(self):
        words = " ".join([self.headline, self.standfirst, self.body, self.extra])
        return SearchDocument(
            article_id=self.article_id,
            text=self.text,
            folded=fold(words),
            section_id=self.section_id,
            published_at=self.published_at,
            language=self.language,
        )


def _upsert_on_postgresql(documents, using):
    """Many stories' documents in one statement (arrays, not rows of SQL).

    Each row is written once, vector included: a row inserted and then
    updated would leave a dead copy of every story's text behind."""
    columns = [
        [getattr(document, field.name) for document in documents]
        for field in fields(_Document)
    ]
    folded = [
        [fold(getattr(document, name)) for document in documents] for name, _ in WEIGHTS
    ]
    with connections[using].cursor() as cursor:
        cursor.execute(_UPSERT, columns + folded)


def _weighted(field, weight):
    """One field's part of the vector: its words in the story's language's
    configuration (none for 'simple'), and folded in 'simple'."""
    return (
        f"CASE WHEN story.config = '{FOLDED}' THEN ''::tsvector ELSE "
        f"setweight(to_tsvector(story.config::regconfig, story.{field}), "
        f"'{weight}') END || "
        f"setweight(to_tsvector('{FOLDED}', story.folded_{field}), '{weight}')"
    )


# One array per field, then the weighted fields folded; each field weighted,
# in both configurations. Only constants go into the SQL text; the stories'
# words are parameters.
_UPSERT = """
    INSERT INTO {table} AS document
        (article_id, text, folded, section_id, published_at, language, vector)
    SELECT story.id, story.text, '', story.section_id, story.published_at,
        story.language, {vector}
    FROM unnest(
        %s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
        %s::bigint[], %s::timestamptz[], %s::text[], %s::text[], {folded_arrays}
    ) AS story(
        id, headline, standfirst, body, extra, text, section_id, published_at,
        language, config, {folded_columns}
    )
    ON CONFLICT (article_id) DO UPDATE SET
        text = excluded.text,
        folded = excluded.folded,
        section_id = excluded.section_id,
        published_at = excluded.published_at,
        language = excluded.language,
        vector = excluded.vector
    -- A document already up to date is left as it is: rewriting it would
    -- leave a dead copy behind, and rebuilding every document would double
    -- the table and its GIN index.
    WHERE (document.text, document.section_id, document.published_at,
           document.language, document.vector)
        IS DISTINCT FROM (excluded.text, excluded.section_id,
                          excluded.published_at, excluded.language,
                          excluded.vector)
""".format(  # noqa: S608
    table=SearchDocument._meta.db_table,
    folded_arrays=", ".join("%s::text[]" for _ in WEIGHTS),
    folded_columns=", ".join(f"folded_{field}" for field, _ in WEIGHTS),
    vector=" || ".join(_weighted(field, weight) for field, weight in WEIGHTS),
)


def _tag_names(article_ids, using):
    names = defaultdict(list)
    items = TaggedArticle.objects.using(using).filter(content_object_id__in=article_ids)
    for story_id, name in items.values_list("content_object_id", "tag__name"):
        names[story_id].append(name)
    return names

"""Excerpts of the matching stories with the reader's words marked."""

import re

from django.contrib.postgres.search import SearchHeadline
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles import editions
from articles.models import SearchDocument

from .folding import PUNCTUATION, fold, query_words
from .index import is_postgresql, text_config
from .query import words_query

# Snippet highlights are marked with control characters no story contains,
# so the excerpt can be escaped as a whole and marked up afterwards.
START, STOP = "\x02", "\x03"
SNIPPET_WORDS = 30


def add_snippets(stories, text):
    """Give each story an excerpt with the reader's words marked, in one query."""
    stories = list(stories)
    words = query_words(text)
    if not stories or not words:
        return stories
    using = stories[0]._state.db
    # Unordered: the excerpts are matched to the stories by id.
    documents = (
        SearchDocument.objects.using(using)
        .filter(pk__in=[story.pk for story in stories])
        .order_by()
    )
    if is_postgresql(using):
        headlines = documents.annotate(
            snippet=SearchHeadline(
                "text",
                words_query(text),
                config=text_config(editions.active()),
                start_sel=START,
                stop_sel=STOP,
                max_words=SNIPPET_WORDS,
                min_words=SNIPPET_WORDS // 2,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        # ts_headline reads the text as written, so it cannot mark a word the
        # reader typed without its accents ("Bakililar"): excerpt() can.
        raw = {
            pk: snippet if START in snippet else excerpt(document_text, words)
            for pk, snippet, document_text in headlines.values_list(
                "pk", "snippet", "text"
            )
        }
    else:
        raw = {
            pk: excerpt(document_text, words)
            for pk, document_text in documents.values_list("pk", "text")
        }
    for story in stories:
        story.snippet = marked(raw.get(story.pk, ""))
    return stories


def excerpt(text, words, length=SNIPPET_WORDS):
    """About `length` words of `text` around the first of `words` (folded), with
    every word of the text that holds one of them marked."""

    def holds(token):
        return any(word in fold(token) for word in words)

    tokens = text.split()
    first = next((i for i, token in enumerate(tokens) if holds(token)), 0)
    start = max(0, first - length // 3)
    window = " ".join(
        _mark(token) if holds(token) else token
        for token in tokens[start : start + length]
    )
    before = "… " if start else ""
    after = " …" if start + length < len(tokens) else ""
    return f"{before}{window}{after}"


def _mark(token):
    """A word marked, without the punctuation around it."""
    word = token.strip(PUNCTUATION)
    return token.replace(word, f"{START}{word}{STOP}", 1) if word else token


def marked(raw):
    """An excerpt as safe HTML: all text escaped, highlights as <mark>."""
    pieces = re.split(f"([{START}{STOP}])", raw)
    tags = {START: "<mark>", STOP: "</mark>"}
    return mark_safe("".join(tags.get(piece) or escape(piece) for piece in pieces))  # noqa: S308

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchDocument(models.Model):
    """A story's searchable words, kept in step with the story, its tags and embeds.

    Derived data only (articles.search writes it): rebuild it at any time with
    `manage.py update_search_index`.
    """

    article = models.OneToOneField(
        "articles.Article",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_document",
    )
    # Standfirst, body and embed text as plain text, for result snippets.
    text = models.TextField(blank=True)
    # Every searchable word case-folded, for databases without full-text
    # search (SQLite); left empty on PostgreSQL.
    folded = models.TextField(blank=True)
    # PostgreSQL only (NULL elsewhere): weighted headline, standfirst, body, tags
    # and embeds. Its GIN index, "search_document_words_gin", on the language
    # (upper case) and the vector, is created by migration 0027 on PostgreSQL
    # alone, so it is not declared here.
    vector = SearchVectorField(null=True)
    # The story's section: searches within a section narrow the documents
    # without reading the stories. Like published_at, a hint only.
    section = models.ForeignKey(
        "articles.Section",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # filtered only beside the vector's GIN index
    )
    # The story's publication time while its status is published, else NULL:
    # PostgreSQL orders matches by it without reading the stories' rows. Only
    # an ordering hint: published() still decides what readers see.
    published_at = models.DateTimeField(null=True, blank=True)
    # The story's language: a search in one edition narrows the documents by
    # it, beside the words in their GIN index (search.documents_in), so the
    # matches read are that edition's, however many other editions' stories
    # match.
    language = models.CharField(max_length=35, blank=True, default="")

    class Meta:
        ordering = ["article"]

    def __str__(self):
        return f"Search document for story {self.article_id}"

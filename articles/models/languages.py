"""The languages a set of rows is written in, found without reading the rows."""

from django.db import connections, models
from django.db.models.expressions import RawSQL

from articles import editions


class LanguagesQuerySet(models.QuerySet):
    """Rows naming a language that an index orders (after whatever the
    queryset narrows by): the story links' language, a story's UPPER(language).
    `language_key` names the field, or the annotation keyed_by_language()
    gives, the index holds."""

    language_key = "language"

    def keyed_by_language(self):
        return self

    def languages(self):
        """The languages these rows name, each once, in order, as the index
        holds them: one probe of it per language found (a loose index scan),
        however many rows each language has."""
        key = self.language_key
        first = self.keyed_by_language().order_by(key).values_list(key)
        following = first.filter(**{f"{key}__gt": RawSQL("found.language", ())})
        connection = connections[self.db]
        first_sql, first_params = first[:1].query.get_compiler(self.db).as_sql()
        next_sql, next_params = following[:1].query.get_compiler(self.db).as_sql()
        with connection.cursor() as cursor:
            cursor.execute(
                # Compiled queries, their values passed as parameters.
                f"WITH RECURSIVE found(language) AS (SELECT ({first_sql})"  # noqa: S608
                f" UNION ALL SELECT ({next_sql}) FROM found"
                " WHERE found.language IS NOT NULL)"
                " SELECT language FROM found WHERE language IS NOT NULL",
                (*first_params, *next_params),
            )
            return [language for (language,) in cursor.fetchall()]

    def languages_in(self, code):
        """The languages these rows name (as languages() finds them) that
        belong to the edition `code`."""
        return [
            found for found in self.languages() if editions.edition_of(found) == code
        ]

    def languages_written_in(self, code):
        """The languages these rows name (as languages() finds them) that the
        tag `code` names, its subtags too (editions.written_in's languages)."""
        return [found for found in self.languages() if editions.names(code, found)]

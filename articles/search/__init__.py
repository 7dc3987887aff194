"""Story search: PostgreSQL full-text search, or word matching on other databases.

The same three functions serve both, and this package gives them:
- index_articles() writes the stories' SearchDocument rows (index_every_article()
  all of them);
- search() narrows a queryset of stories to those matching the reader's words
  (on PostgreSQL, to RankedStories: the ranked ids, read a page at a time);
- add_snippets() gives each story on a results page a highlighted excerpt.

PostgreSQL weighs a match in the headline above the standfirst, the standfirst
above the body, and the body above tags and embedded posts, and ranks by it.
Other databases (SQLite) match every word, case-insensitively in any
alphabet, and list the newest first.

The package, from the ground up: folding (pure text), index (writing the
documents), query (finding and ranking; the sections, topics, authors and
languages a reader names, and the names to suggest), snippets (excerpts),
filters (the archive's FilterSet, which views and the API use), suggestions
(the names the form offers as a reader types) and views (its one endpoint,
/search/suggest/). Views, the API, signals and commands import from here;
nothing here imports them.
"""

from .folding import fold, query_words
from .index import index_articles, index_every_article, is_postgresql
from .query import RankedStories, documents_matching, is_capped, search
from .snippets import add_snippets, excerpt, marked

__all__ = [
    "RankedStories",
    "add_snippets",
    "documents_matching",
    "excerpt",
    "fold",
    "index_articles",
    "index_every_article",
    "is_capped",
    "is_postgresql",
    "marked",
    "query_words",
    "search",
]

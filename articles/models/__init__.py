from .content import Article, ArticleQuerySet, Author, Byline, Correction, Section
from .media import Embed, Image, Rendition
from .membership import MembershipPrompt, MembershipTier
from .search import SearchDocument
from .site import Outlet

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Author",
    "Byline",
    "Correction",
    "Embed",
    "Image",
    "MembershipPrompt",
    "MembershipTier",
    "Outlet",
    "Rendition",
    "SearchDocument",
    "Section",
]

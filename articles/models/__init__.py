from .content import Article, ArticleQuerySet, Byline, Correction
from .desk import Autosave, StaffProfile
from .embeds import Embed
from .media import Image, Rendition, image_create
from .membership import (
    MembershipPrompt,
    MembershipTier,
    PromptDailyStat,
    PromptVariant,
)
from .search import SearchDocument
from .security import (
    KnownBrowser,
    Lockdown,
    PasswordResetRequired,
    RecoveryCode,
    RecoveryCodeDevice,
    SecurityEvent,
    StaffSession,
)
from .site import Author, Outlet, Section
from .sitemap import SitemapMonth
from .sitemap_lists import SitemapEntry, SitemapPart
from .tags import Tag, TaggedArticle
from .translated import SectionTranslation, SupportText, TierTranslation

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Author",
    "Autosave",
    "Byline",
    "Correction",
    "Embed",
    "Image",
    "KnownBrowser",
    "Lockdown",
    "MembershipPrompt",
    "MembershipTier",
    "Outlet",
    "PasswordResetRequired",
    "PromptDailyStat",
    "PromptVariant",
    "RecoveryCode",
    "RecoveryCodeDevice",
    "Rendition",
    "SearchDocument",
    "SecurityEvent",
    "Section",
    "SectionTranslation",
    "SitemapEntry",
    "SitemapMonth",
    "SitemapPart",
    "StaffProfile",
    "StaffSession",
    "SupportText",
    "Tag",
    "TaggedArticle",
    "TierTranslation",
    "image_create",
]

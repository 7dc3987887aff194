"""RSS 2.0 and Atom feeds of an edition's latest stories: the site, a section,
a tag, an author.

Each item carries the whole story as its page shows it (templates/feeds/
story.html, every address absolute), a summary cut at a word and the lead
picture as an enclosure. The channel speaks the edition's language and lists
only stories in it, and shows the house outlet's logo and the site's icon.
"""

import copy
import mimetypes
import re

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from articles import editions, listings, seo
from articles.context_processors import chrome, section_description, section_name
from articles.html import absolute_html, body_pieces, excerpt, plain_text, split_blocks
from articles.links import url_for
from articles.models import Article, Embed, Image
from articles.planner import serial
from articles.serving.dependencies import (
    LATEST,
    author_stories,
    depend_on,
    section_stories,
    tag_stories,
)

FEED_STORIES = 30
SUMMARY_LENGTH = seo.DESCRIPTION_LENGTH
SITE_ICON = "articles/favicon.svg"
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"
_BLANK_LINES = re.compile(r"\s*\n\s*")


class StoryRss(Rss201rev2Feed):
    """RSS 2.0 with each story in full (content:encoded) and the outlet's logo."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": CONTENT_NAMESPACE}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        if self.feed["logo"]:
            # RSS asks for the channel's own title and link beside its image.
            handler.startElement("image", {})
            handler.addQuickElement("url", self.feed["logo"])
            handler.addQuickElement("title", self.feed["title"])
            handler.addQuickElement("link", self.feed["link"])
            handler.endElement("image")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content"])


class StoryAtom(Atom1Feed):
    """Atom with each story in full (content) and the outlet's logo and icon."""

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        handler.addQuickElement("icon", self.feed["icon"])
        if self.feed["logo"]:
            handler.addQuickElement("logo", self.feed["logo"])

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class StoryFeed(Feed):
    """The site's latest stories; subclasses narrow them down."""

    feed_type = StoryRss

    def __call__(self, request, *args, **kwargs):
        # A copy per request: addresses need the request's host and scheme, and
        # the channel the edition's language.
        feed = copy.copy(self)
        feed.request = request
        feed.language = editions.active()
        feed.bodies = {}
        return super(StoryFeed, feed).__call__(request, *args, **kwargs)

    def absolute(self, url):
        site = get_current_site(self.request)
        return add_domain(site.domain, url, self.request.is_secure())

    def title(self, obj):
        return settings.NEWSROOM_SITE_NAME

    def link(self, obj):
        return url_for("articles:home")

    def description(self, obj):
        return _("The latest stories from %(site)s.") % {
            "site": settings.NEWSROOM_SITE_NAME
        }

    def subtitle(self, obj):  # Atom's name for the description
        return self.description(obj)

    def author_name(self, obj):
        return settings.NEWSROOM_SITE_NAME

    def feed_extra_kwargs(self, obj):
        house = chrome()["house_outlet"]  # cached, with its logo
        logo = house.logo if house else None
        return {
            "logo": self.absolute(logo.jpeg_url(smallest=True))
            if logo and logo.file
            else "",
            "icon": self.absolute(static(SITE_ICON)),
        }

    def stories(self, obj):
        # The edition's stories in its language. A story kept from before in a
        # language that is no edition lives in the default edition's pages, but
        # this channel would call it English (or whatever the default is).
        return (
            Article.objects.published()
            .in_edition(self.language)
            .filter(editions.written_in(self.language))
        )

    def listing(self, obj):
        """The key of the list of stories this feed shows (serving.dependencies)."""
        return LATEST

    def items(self, obj):
        depend_on(self.listing(obj))
        stories = list(self.stories(obj).for_story()[:FEED_STORIES])
        self.bodies = {s.pk: body_pieces(split_blocks(s.body)) for s in stories}
        # The embeds and pictures every story places, in a query each at most.
        placed = [piece for pieces in self.bodies.values() for piece in pieces]
        Embed.objects.attach(placed)
        Image.objects.attach(placed)
        return stories

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        # The standfirst, or the body's opening: plain text, where both formats
        # expect HTML.
        text = item.standfirst or plain_text(item.body)
        return escape(excerpt(text, SUMMARY_LENGTH))

    def item_extra_kwargs(self, item):
        return {"content": self.item_content(item)}

    def item_content(self, item):
        """The whole story as its page shows it, every address absolute."""
        html = render_to_string(
            "feeds/story.html", {"article": item, "body": self.bodies[item.pk]}
        )
        # The template's indentation and blank lines are no part of the story
        # (nothing on the allow-list keeps whitespace as it is, as <pre> would).
        html = _BLANK_LINES.sub("\n", html).strip()
        return absolute_html(html, self.absolute(item.get_absolute_url()))

    def item_author_name(self, item):
        names = [author.name for author in item.byline_authors]
        return ", ".join(names) or item.outlet.name

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.modified_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]

    def item_enclosures(self, item):
        image = item.lead_image
        if not image or not image.file:
            return []
        try:
            length = image.file.size
        except OSError:
            length = 0  # the RSS advice when the size is unknown
        mime_type = mimetypes.guess_type(image.file.name)[0] or "image/jpeg"
        url = self.absolute(seo.image_url(image))
        return [Enclosure(url, str(length), mime_type)]


class ObjectFeed(StoryFeed):
    """The latest stories of one section, tag or author, found by its slug."""

    listed_by = None  # the object's Listing (articles.listings)

    @serial  # as the listings are (articles.planner)
    def __call__(self, request, *args, **kwargs):
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, slug):
        # As its listing finds it: a tag or author with the languages of the
        # edition it has stories in, which its stories are read by.
        return self.listed_by.find(slug)

    def title(self, obj):
        return f"{self.name(obj)} · {settings.NEWSROOM_SITE_NAME}"

    def name(self, obj):
        return obj.name

    def link(self, obj):
        return obj.get_absolute_url()

    def stories(self, obj):
        # As its listing reads them (for a tag or author, by their links'
        # index), in the feed's language.
        return self.listed_by.stories(obj).filter(editions.written_in(self.language))


class SectionFeed(ObjectFeed):
    listed_by = listings.SECTIONS

    def listing(self, obj):
        return section_stories(obj.pk)

    def name(self, obj):
        return section_name(obj)

    def description(self, obj):
        return section_description(obj) or _("The latest %(section)s stories.") % {
            "section": self.name(obj)
        }


class TagFeed(ObjectFeed):
    listed_by = listings.TAGS

    def listing(self, obj):
        return tag_stories(obj.pk)

    def description(self, obj):
        return _("The latest stories about %(tag)s.") % {"tag": obj.name}


class AuthorFeed(ObjectFeed):
    listed_by = listings.AUTHORS

    def listing(self, obj):
        return author_stories(obj.pk)

    def description(self, obj):
        return _("The latest stories by %(author)s.") % {"author": obj.name}


class AtomStoryFeed(StoryFeed):
    feed_type = StoryAtom


class AtomSectionFeed(SectionFeed):
    feed_type = StoryAtom


class AtomTagFeed(TagFeed):
    feed_type = StoryAtom


class AtomAuthorFeed(AuthorFeed):
    feed_type = StoryAtom

"""RSS 2.0 and Atom feeds of the latest stories: the site, a section, a tag, an author."""

import copy
import mimetypes

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.translation import gettext as _

from articles import seo
from articles.context_processors import section_description, section_name
from articles.links import url_for
from articles.models import Article, Author, Section, Tag

FEED_STORIES = 30


class StoryFeed(Feed):
    """The site's latest stories; subclasses narrow them down."""

    def __call__(self, request, *args, **kwargs):
        # A copy per request: enclosures need the request's host and scheme.
        feed = copy.copy(self)
        feed.request = request
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

    def stories(self, obj):
        # The edition's stories; the feed says the edition's language.
        return Article.objects.published().in_edition()

    def items(self, obj):
        return self.stories(obj).for_story()[:FEED_STORIES]

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return seo.description(item)

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

    model = None
    story_filter = ""  # how a story refers to the object

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def title(self, obj):
        return f"{self.name(obj)} · {settings.NEWSROOM_SITE_NAME}"

    def name(self, obj):
        return obj.name

    def link(self, obj):
        return obj.get_absolute_url()

    def stories(self, obj):
        return super().stories(obj).filter(**{self.story_filter: obj})


class SectionFeed(ObjectFeed):
    model = Section
    story_filter = "section"

    def name(self, obj):
        return section_name(obj)

    def description(self, obj):
        return section_description(obj) or _("The latest %(section)s stories.") % {
            "section": self.name(obj)
        }


class TagFeed(ObjectFeed):
    model = Tag
    story_filter = "tags"

    def description(self, obj):
        return _("The latest stories about %(tag)s.") % {"tag": obj.name}


class AuthorFeed(ObjectFeed):
    model = Author
    story_filter = "authors"

    def description(self, obj):
        return _("The latest stories by %(author)s.") % {"author": obj.name}


class AtomStoryFeed(StoryFeed):
    feed_type = Atom1Feed


class AtomSectionFeed(SectionFeed):
    feed_type = Atom1Feed


class AtomTagFeed(TagFeed):
    feed_type = Atom1Feed


class AtomAuthorFeed(AuthorFeed):
    feed_type = Atom1Feed

"""A read-only JSON API of published stories, for partners and apps that syndicate them.

/api/articles/ takes the archive's filters (articles.search.filters) plus
`page_size` and either `page` or `cursor`: page numbers reach the first
PAGED_STORIES stories of a list, and `next` links carry a cursor
(articles.cursors) that reaches any depth at the cost of the first page; a
search is ranked, so it pages by number alone. /api/articles/<slug>/ gives
one story with its body. Any site may read it from a browser (CORS); nothing
can be written through it.
"""

import re
from functools import wraps
from math import ceil

from django.db.models import QuerySet
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext, ngettext
from django.views.decorators.csrf import csrf_exempt

from articles import cursors, paging, seo
from articles.html import body_pieces, split_blocks
from articles.links import url_for
from articles.models import Article, Embed, Image
from articles.search.filters import ArticleFilter
from articles.serving.dependencies import LATEST, depend_on

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Pages past the first are read from a cursor (articles.cursors); numbers
# reach this many stories, and a list is counted this far and no further.
PAGED_STORIES = 10_000
CURSOR = "cursor"
READ_METHODS = "GET, HEAD, OPTIONS"


def _error(status, message, **extra):
    return JsonResponse({"error": message, **extra}, status=status)


def not_found():
    response = _error(404, "No published story has this address.")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def read_only_for_everyone(view):
    """GET and HEAD from any origin, CORS preflight answered, other methods refused."""

    @csrf_exempt  # nothing is written: a POST gets its 405, not a CSRF page
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            response = _error(405, "This API is read-only.")
            response["Allow"] = READ_METHODS
            return response
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = READ_METHODS
            response["Access-Control-Allow-Headers"] = "Accept, Content-Type"
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def _page_size(value):
    if value in (None, ""):
        return PAGE_SIZE
    size = paging.page_number(value)
    if size is None or size > MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}.")
    return size


def story_data(article, absolute):
    """What a list entry says about a story (relations fetched with for_story())."""
    image = article.lead_image
    return {
        "id": article.pk,
        "slug": article.slug,
        "url": absolute(article.get_absolute_url()),
        "canonical_url": seo.canonical_url(article, absolute),
        "api_url": absolute(url_for("articles:api-article", article.slug)),
        "headline": article.headline,
        "standfirst": article.standfirst,
        "language": article.language,
        "section": {"slug": article.section.slug, "name": article.section.name},
        "tags": [{"slug": tag.slug, "name": tag.name} for tag in article.tags.all()],
        "authors": [
            {
                "slug": author.slug,
                "name": author.name,
                "url": absolute(author.get_absolute_url()),
            }
            for author in article.byline_authors
        ],
        "outlet": {
            "slug": article.outlet.slug,
            "name": article.outlet.name,
            "url": article.outlet.url,
            "is_partner": article.is_partner,
        },
        "original_url": article.original_url,
        "published_at": seo.iso(article.published_at),
        "modified_at": seo.iso(article.modified_at),
        "lead_image": image
        and {
            "url": absolute(seo.image_url(image)),
            "alt_text": image.alt_text,
            "caption": article.caption,
            "credit": article.credit,
            "width": image.width,
            "height": image.height,
        },
    }


def body_html(article, absolute=str):
    """The body as readers see it: markers replaced by the embeds' static HTML
    and the pictures' figures, whose addresses `absolute` makes whole (the
    request's build_absolute_uri; left as they are by default)."""
    pieces = body_pieces(split_blocks(article.body))
    Embed.objects.attach(pieces)
    Image.objects.attach(pieces)
    return "".join(_piece_html(piece, absolute) for piece in pieces)


def _piece_html(piece, absolute):
    if piece.embed:
        return render_to_string("articles/_embed.html", {"embed": piece.embed})
    if piece.picture:
        figure = render_to_string(
            "articles/_body_picture.html", {"picture": piece.picture}
        )
        return _SOURCES.sub(lambda found: _absolute_sources(found, absolute), figure)
    return "" if piece.is_marker else piece.html


# The picture partial's addresses: src="…" and srcset="… 320w, … 640w".
_SOURCES = re.compile(r'\b(src|srcset)="([^"]*)"')


def _absolute_sources(found, absolute):
    attribute, value = found.groups()
    candidates = (candidate.split(" ", 1) for candidate in value.split(", "))
    value = ", ".join(" ".join([absolute(url), *size]) for url, *size in candidates)
    return f'{attribute}="{value}"'


@paging.cached_by(paging.PAGE, CURSOR)
@read_only_for_everyone
def article_list(request):
    depend_on(LATEST)
    try:
        # A cursor is checked before anything is read: a bad one costs nothing.
        cursor = _cursor(request.GET)
        page_size = _page_size(request.GET.get("page_size"))
    except ValueError as error:
        return _error(400, str(error))
    filterset = ArticleFilter(
        request.GET, queryset=Article.objects.published().for_story()
    )
    if not filterset.is_valid() or filterset.unknown:
        # A topic or author that names nothing is an error here, as the API
        # documents, though the search page answers it with a page that says so.
        errors = {field: list(messages) for field, messages in filterset.errors.items()}
        errors.update(
            (field, [message]) for field, message in filterset.unknown.items()
        )
        return _error(400, "Some filters are not valid.", errors=errors)
    searched = bool(filterset.form.cleaned_data.get("q"))
    if cursor is None:
        return _numbered_page(request, filterset.qs, page_size, searched)
    if searched:
        return _error(
            400,
            gettext(
                "A search is ranked, not read from a place in the archive: "
                "page through it with page, not cursor."
            ),
        )
    return _cursor_page(request, filterset.qs, cursor, page_size)


def _cursor(params):
    """The request's cursor (None without one); ValueError for a bad one, or
    for a cursor and a page number both."""
    if CURSOR not in params:
        return None
    if paging.PAGE in params:
        raise ValueError(gettext("Give a page or a cursor, not both."))
    return cursors.read(params[CURSOR])


def _numbered_page(request, stories, page_size, searched):
    """A page by its number: the first pages of any list, every page of a
    search. Counted up to PAGED_STORIES, never further."""
    number = paging.page_number(request.GET.get(paging.PAGE) or None)
    if number is None:
        return _error(400, gettext("page must be a whole number from 1."))
    if number * page_size > PAGED_STORIES:
        return _error(400, _past_numbers_message())
    count = _count_up_to(stories, PAGED_STORIES)
    pages = None if count is None else max(1, ceil(count / page_size))
    if pages is not None and number > pages:
        return _error(
            404,
            ngettext("There is %(pages)d page.", "There are %(pages)d pages.", pages)
            % {"pages": pages},
        )
    shown = _numbered_stories(stories, (number - 1) * page_size, page_size)
    return _story_page(
        request,
        shown,
        page_size,
        count=count,
        page=number,
        pages=pages,
        following=_after_number(request, number, pages, shown, searched),
        preceding=_link(request, page=number - 1) if number > 1 else None,
    )


def _numbered_stories(stories, start, size):
    if not isinstance(stories, QuerySet):
        return list(stories[start : start + size])  # ranked: reads its page alone
    stories = stories.order_by(*cursors.ORDER)
    if not start:
        return list(stories[:size])
    # The stories skipped are read for their ids alone, not with everything a
    # story brings (its picture, section, outlet, translations).
    shown = stories.values_list("pk", flat=True)[start : start + size]
    return list(stories.filter(pk__in=list(shown)))


def _after_number(request, number, pages, shown, searched):
    """The next link of a numbered page: a cursor after its last story, or for
    a search the next number while numbers reach it."""
    if number == pages or not shown:
        return None
    if not searched:
        return _link(request, cursor=cursors.Cursor.after(shown[-1]))
    # A page before the last is full: len(shown) is the page size.
    if (number + 1) * len(shown) > PAGED_STORIES:
        return None
    return _link(request, page=number + 1)


def _cursor_page(request, stories, cursor, page_size):
    """A page from a cursor's place: the same few rows read at any depth, and
    nothing counted."""
    shown, more = cursors.page(stories, cursor, page_size)
    first = cursors.Cursor.before(shown[0]) if shown else cursor.turned()
    last = cursors.Cursor.after(shown[-1]) if shown else cursor.turned()
    if cursor.backwards:
        # Older stories are where the client came from; newer, only if found.
        following, preceding = last, first if more else None
    else:
        following, preceding = last if more else None, first
    return _story_page(
        request,
        shown,
        page_size,
        following=following and _link(request, cursor=following),
        preceding=preceding and _link(request, cursor=preceding),
    )


def _story_page(request, shown, page_size, *, following, preceding, **numbers):
    absolute = request.build_absolute_uri
    return JsonResponse(
        {
            "count": numbers.get("count"),
            "page": numbers.get("page"),
            "pages": numbers.get("pages"),
            "page_size": page_size,
            "next": following,
            "previous": preceding,
            "results": [story_data(story, absolute) for story in shown],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _count_up_to(stories, most):
    """How many `stories` there are, or None when more than `most`: counting
    a whole archive would cost more than the page."""
    if isinstance(stories, QuerySet):
        count = stories.order_by().values("pk")[: most + 1].count()
    else:
        count = stories.count()  # a ranked search knows its count
    return None if count > most else count


def _past_numbers_message():
    return gettext(
        "Page numbers reach the first %(stories)s stories of a list "
        "(page × page_size ≤ %(stories)s). Start from the first page and follow "
        "the next links: their cursors reach every story."
    ) % {"stories": PAGED_STORIES}


def _link(request, *, page=None, cursor=None):
    """This list's address with another page number or cursor, its filters
    and page_size as the request gave them."""
    params = request.GET.copy()
    params.pop(paging.PAGE, None)
    params.pop(CURSOR, None)
    if cursor is not None:
        params[CURSOR] = str(cursor)
    elif page is not None:
        params[paging.PAGE] = page
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


@read_only_for_everyone
def article_detail(request, slug):
    story = Article.objects.published().for_story().filter(slug=slug).first()
    if story is None:
        return not_found()
    data = story_data(story, request.build_absolute_uri)
    data["body"] = body_html(story, request.build_absolute_uri)
    data["corrections"] = [
        {"date": seo.iso(correction.date), "text": correction.text}
        for correction in story.corrections.all()
    ]
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})

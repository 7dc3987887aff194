"""A read-only JSON API of published stories, for partners and apps that syndicate them.

/api/articles/ takes the archive's filters (articles.filters) plus `page` and
`page_size`; /api/articles/<slug>/ gives one story with its body. Any site may
read it from a browser (CORS); nothing can be written through it.
"""

import re
from functools import wraps

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt

from articles import paging, seo
from articles.html import body_pieces, split_blocks
from articles.links import url_for
from articles.models import Article, Embed, Image
from articles.search.filters import ArticleFilter
from articles.serving.dependencies import LATEST, depend_on

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
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


@read_only_for_everyone
def article_list(request):
    depend_on(LATEST)
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
    try:
        page_size = _page_size(request.GET.get("page_size"))
    except ValueError as error:
        return _error(400, str(error))
    number = paging.page_number(request.GET.get(paging.PAGE) or None)
    if number is None:
        return _error(400, "page must be a whole number from 1.")
    paginator = Paginator(filterset.qs, page_size)
    try:
        page = paginator.page(number)
    except EmptyPage:
        pages = paginator.num_pages
        return _error(
            404,
            ngettext("There is %(pages)d page.", "There are %(pages)d pages.", pages)
            % {"pages": pages},
        )
    absolute = request.build_absolute_uri
    return JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "page_size": page_size,
            "next": _page_link(request, page.next_page_number())
            if page.has_next()
            else None,
            "previous": _page_link(request, page.previous_page_number())
            if page.has_previous()
            else None,
            "results": [story_data(story, absolute) for story in page.object_list],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _page_link(request, number):
    params = request.GET.copy()
    params["page"] = number
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

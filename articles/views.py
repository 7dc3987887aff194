from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import defaults
from django.views.decorators.cache import never_cache

from articles import api, editions, paging, prompts, seo
from articles import search as story_search
from articles.context_processors import chrome, section_description, section_name
from articles.html import body_pieces, split_blocks
from articles.links import url_for
from articles.models import (
    Article,
    Embed,
    Image,
    MembershipTier,
)
from articles.search.filters import ArticleFilter
from articles.serving.dependencies import (
    LATEST,
    TIERS,
    depend_on,
)

HOME_STORIES = 40
STORIES_PER_SECTION = 4
RELATED_STORIES = 4
# A story's related block changes at once when a story in it does, but takes
# in newly published stories within this long (and its page's lifetime): it
# does not depend on its tags' lists, or every story published would age the
# page of every story sharing a tag, hundreds a time (docs/decisions.md).
RELATED_SECONDS = 300


def home(request):
    context = home_context()
    context["seo"] = seo.for_home(
        _site(request),
        path=url_for("articles:home"),
        search_path=url_for("articles:search"),
    )
    return render(request, "articles/home.html", context)


def _site(request):
    """What every page's metadata says of the site (articles.seo)."""
    return seo.Site(
        absolute=request.build_absolute_uri,
        name=settings.NEWSROOM_SITE_NAME,
        language=request.LANGUAGE_CODE,
        house=chrome()["house_outlet"],
    )


def home_context():
    depend_on(LATEST)
    stories = list(
        Article.objects.published().in_edition().for_listing()[:HOME_STORIES]
    )
    sections = chrome()["sections"]
    by_section = {section.pk: [] for section in sections}
    for story in stories[1:]:
        if len(by_section[story.section_id]) < STORIES_PER_SECTION:
            by_section[story.section_id].append(story)
    return {
        "lead": stories[0] if stories else None,
        "latest": stories[1:9],
        "sections": [(s, by_section[s.pk]) for s in sections if by_section[s.pk]],
    }


def article(request, slug):
    story = get_object_or_404(Article.objects.published().for_story(), slug=slug)
    if story.edition != request.LANGUAGE_CODE:
        # A story lives in its own language's edition.
        return redirect(story, permanent=True)
    return _render_story(request, story)


@never_cache
def preview(request, token):
    story = Article.from_preview_token(token)
    if story is None:
        raise Http404("This preview link is invalid or has expired.")
    story = Article.objects.for_story().get(pk=story.pk)
    response = _render_story(request, story, is_preview=True)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _render_story(request, story, is_preview=False):
    return render(
        request,
        "articles/article.html",
        story_context(request, story, is_preview=is_preview),
    )


def story_context(request, story, is_preview=False, prompt_preview=None):
    """What the story template needs; `prompt_preview` forces one prompt in (admin)."""
    # The section as the story's edition names it, in the page and its data.
    story.section.name = section_name(story.section, story.edition)
    story.section.description = section_description(story.section, story.edition)
    target = prompts.Target.for_article(story)
    body = body_pieces(
        split_blocks(story.body),
        prompts.inline_paragraphs(target, forced=prompt_preview),
    )
    Embed.objects.attach(body)
    Image.objects.attach(body)
    published = Article.objects.published()
    versions = list(published.versions_of(story))
    return {
        "article": story,
        "versions": versions,
        "body": body,
        "prompt_target": target,
        "is_preview": is_preview,
        "prompt_preview": prompt_preview,
        "related": published.related_to(story)[:RELATED_STORIES],
        "related_seconds": RELATED_SECONDS,
        "seo": seo.for_story(
            story,
            request.build_absolute_uri,
            settings.NEWSROOM_SITE_NAME,
            versions=versions,
            robots=seo.PREVIEW_ROBOTS if is_preview else seo.ROBOTS,
        ),
    }


def _page(request, stories, paginator=Paginator):
    """The page of a listing the reader asked for; any other number is a 404."""
    number = paging.page_number(request.GET.get(paging.PAGE))
    if number is None:
        raise Http404("Pages are numbered 1, 2, 3…")
    try:
        return paginator(stories, settings.NEWSROOM_PAGE_SIZE).page(number)
    except EmptyPage:
        raise Http404("This listing has fewer pages.") from None


@paging.cached_by(paging.PAGE)
def search(request):
    # Results change with any story published; the form names the authors,
    # topics and outlets most used (read as names, not rows: their kinds).
    depend_on(LATEST, "people", "tags", "outlets")
    # The edition's stories, or those of the language the reader asked for.
    filterset = ArticleFilter(
        request.GET,
        queryset=Article.objects.published().for_listing(),
        edition=editions.active(),
    )
    valid = filterset.is_valid()
    # The bare form (the address most visited) lists no story: counting the
    # whole archive would cost more than the rest of the page.
    listed = valid and bool(request.GET)
    searched = any(v for k, v in request.GET.items() if k != "page")
    # Words are ranked and capped by the search itself; filters alone list
    # stories newest first, numbered and counted only as far as a listing.
    worded = listed and bool(filterset.form.cleaned_data.get("q"))
    page = _page(
        request,
        filterset.qs if listed else Article.objects.none(),
        Paginator if worded else paging.NumberedPaginator,
    )
    if listed:
        page.object_list = story_search.add_snippets(
            page.object_list, filterset.form.cleaned_data.get("q") or ""
        )
    return render(
        request,
        "articles/search.html",
        {
            "page": page,
            "stories": page.object_list,
            "filter": filterset,
            "query": _without_page(request.GET),
            "searched": searched,
            "capped": worded and story_search.is_capped(page.paginator.count),
            "listed_beyond": None if worded else _listed_beyond(page.paginator),
            "seo": seo.for_search(
                _site(request), path=_search_path(request, filterset, page, valid)
            ),
        },
        status=200 if valid else 400,
    )


def _listed_beyond(paginator):
    """How many stories a search by filters alone lists, when it has more."""
    if paginator.is_capped:
        return paginator.per_page * paging.NUMBERED_PAGES
    return None


def _search_path(request, filterset, page, valid):
    """The search page's own address: its filters as the form names them, in
    the form's order, without anything else a link may have added."""
    params = [
        (name, value)
        for name in filterset.form.fields
        for value in request.GET.getlist(name)
    ]
    path = url_for("articles:search")
    return seo.listing_path(path, page.number, params if valid else ())


def _without_page(params):
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


def support(request):
    depend_on(TIERS)
    house = chrome()["house_outlet"]
    why = house.support_in(request.LANGUAGE_CODE) if house else None
    return render(
        request,
        "articles/support.html",
        {
            "tiers": MembershipTier.objects.filter(is_active=True).in_language(
                request.LANGUAGE_CODE
            ),
            "house": house,
            "why": why,
            "fundraisers": prompts.fundraisers(),
            "seo": seo.for_support(
                _site(request),
                text=why.support_text if why else "",
                path=url_for("articles:support"),
            ),
        },
    )


def not_found(request, exception):
    """The site's own 404 page; the API's JSON error for addresses under the API."""
    if request.path.startswith(url_for("articles:api-articles")):
        return api.not_found()
    return defaults.page_not_found(request, exception)

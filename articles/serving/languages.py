"""Which language a request is answered in.

Reader pages speak the language of their address and nothing else: /ru/… is
the Russian edition, an unprefixed address the default one. No cookie or
Accept-Language header changes a public page, so one address is one page and
caches need no Vary. The admin speaks the language each staff member chose
(articles.models.StaffProfile), and before sign-in the browser's.
"""

import functools

from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers

from articles import editions, links

# Where the session keeps the staff member's chosen admin language.
DESK_LANGUAGE_SESSION_KEY = "desk_language"
# `?lang=ru` on a public page: the same page in the Russian edition.
SWITCH_PARAMETER = "lang"


@functools.cache
def _admin_prefix():
    with translation.override(editions.default()):
        return reverse("admin:index")


class EditionMiddleware:
    """Activate the edition the address names (the default one unprefixed).

    It comes before CommonMiddleware: resolving /ru/… (and adding its slash)
    needs the edition's language active.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = (
            translation.get_language_from_path(request.path_info) or editions.default()
        )
        translation.activate(code)
        request.LANGUAGE_CODE = code
        if not request.path_info.startswith(_admin_prefix()):
            switched = self._switch(request, code)
            if switched is not None:
                return switched
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response

    def _switch(self, request, code):
        """`?lang=xx` naming another edition: that edition's address for the
        page. Any other value (a language the site does not publish in, a
        list, nonsense) is ignored."""
        asked = request.GET.getlist(SWITCH_PARAMETER)
        if len(asked) != 1 or not editions.is_edition(asked[0]) or asked[0] == code:
            return None
        query = request.GET.copy()
        del query[SWITCH_PARAMETER]
        path = request.path + (f"?{query.urlencode()}" if query else "")
        return HttpResponseRedirect(translate_url(path, asked[0]))


class DeskLanguageMiddleware:
    """The admin in the staff member's language. After AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(_admin_prefix()):
            return self.get_response(request)
        code = request.session.get(DESK_LANGUAGE_SESSION_KEY)
        if code not in editions.DESK_LANGUAGES:
            code = translation.get_language_from_request(request)
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers["Content-Language"] = code
        return response


def remember_desk_language(request, code):
    """Speak `code` in this staff member's admin from the next page on."""
    if code in editions.DESK_LANGUAGES:
        request.session[DESK_LANGUAGE_SESSION_KEY] = code
    else:
        request.session.pop(DESK_LANGUAGE_SESSION_KEY, None)


def neutral_path(route, view, name):
    """path() for a neutral view: links to it are unprefixed (articles.links)."""
    links.NEUTRAL.add(f"articles:{name}")
    return path(route, language_neutral(view), name=name)


def language_neutral(view):
    """A view that is the same in every edition (the API, previews, the prompt
    counters): it answers at its unprefixed address only, and 404 under an
    edition's prefix, so it has one address."""

    @functools.wraps(view)
    def only_unprefixed(request, *args, **kwargs):
        if translation.get_language_from_path(request.path_info):
            raise Http404("This address has no language editions.")
        return view(request, *args, **kwargs)

    return only_unprefixed

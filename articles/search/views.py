"""/search/suggest/: the names an author, topic or outlet box of the search
form suggests as the reader types (search.suggestions), as JSON.

The form works without it: a name typed whole is found all the same. Its
answers change with every letter typed, so the page cache keeps none of them
(none of its parameters is a cached_by one); each is a short index read.
"""

from django.http import JsonResponse

from .suggestions import KINDS, MAX_TYPED, names_starting


def _refused(message):
    return JsonResponse({"error": message}, status=400)


def suggest(request):
    kind = request.GET.get("kind", "")
    text = request.GET.get("q", "").strip()
    if kind not in KINDS:
        return _refused(f"kind must be one of: {', '.join(KINDS)}.")
    if len(text) > MAX_TYPED or "\x00" in text:
        return _refused(f"q must be at most {MAX_TYPED} characters of text.")
    suggestions = [
        {"name": name, "slug": slug} for name, slug in names_starting(kind, text)
    ]
    return JsonResponse(
        {"kind": kind, "suggestions": suggestions},
        json_dumps_params={"ensure_ascii": False},
    )

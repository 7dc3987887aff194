"""The two doors through which prompts are measured: a click redirect and a beacon."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from articles.models.membership import validate_button_url

from . import choice, counting

BEACON_MAX_BYTES = 200


@never_cache
@require_GET
def prompt_click(request, prompt_id, variant_id=None):
    """Count a click, then send the reader where the prompt's button points.

    The destination is only ever the prompt's stored button link: nothing in
    the request can change it, so this is no open redirect.
    """
    # As for views (below): only a running prompt, or one of its variants, counts
    # and sends readers on; a prompt switched off or out of its window is gone.
    prompt = choice.live_version(prompt_id, variant_id or 0)
    if prompt is None:
        raise Http404("No such prompt is running.")
    destination = prompt.button_url
    try:
        validate_button_url(destination)
    except ValidationError:
        raise Http404("This prompt has no button link.") from None
    if counting.countable(request, "click"):
        counting.prompt_stat_increment(
            prompt_id=prompt.pk, variant_id=variant_id, field="clicks"
        )
    response = HttpResponseRedirect(destination)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@csrf_exempt  # Cached pages carry no token; the beacon only adds one to a counter.
@never_cache
@require_POST
def prompt_seen(request):
    """Count one impression sent by prompts.js: `prompt=<id>&variant=<id or 0>`."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return HttpResponse("Only this site's pages can report views.", status=403)
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = BEACON_MAX_BYTES + 1
    # The declared size is checked before reading; the body itself after.
    if declared > BEACON_MAX_BYTES or len(request.body) > BEACON_MAX_BYTES:
        return HttpResponse("Too large.", status=413)
    try:
        prompt_id = int(request.POST["prompt"])
        variant_id = int(request.POST.get("variant") or 0)
    except (KeyError, ValueError):
        return HttpResponse("Expected prompt=<id>&variant=<id>.", status=400)
    if choice.live_version(prompt_id, variant_id) is None:
        return HttpResponse("No such prompt is running.", status=404)
    if counting.is_bot(request) or counting.is_prefetch(request):
        return HttpResponse(status=204)
    if not counting.within_rate_limit(request, "seen"):
        return HttpResponse("Too many reports; try again in a minute.", status=429)
    counting.prompt_stat_increment(
        prompt_id=prompt_id, variant_id=variant_id or None, field="impressions"
    )
    return HttpResponse(status=204)

"""Who is asking: the client's address, read one way for the whole site."""

from django.conf import settings


def client_ip(request):
    """The client's address: the proxy's view of it when one stands in front.

    The one place the site reads it: the sign-in lockout and the prompt
    counters' rate limit both ask here.
    """
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        # Our proxy appends the address it saw; anything before it came from
        # the client and could be forged.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")

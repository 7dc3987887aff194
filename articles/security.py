"""What django-csp's settings cannot say about the Content-Security-Policy.

The policy itself is CONTENT_SECURITY_POLICY in newsroom/settings.py, sent by
django-csp; the Permissions-Policy is PERMISSIONS_POLICY there, sent by
django-permissions-policy. Only the settings module wires this one in.
"""

import base64
import hashlib
import re
from functools import cached_property
from urllib.parse import urlsplit

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.urls import reverse


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the parts that hang on other settings.

    Media from another origin when MEDIA_URL names one, and
    upgrade-insecure-requests when the site redirects to HTTPS, are read from
    the settings on each response, so a settings module that changes them (the
    test settings do) never sends a stale policy. The admin also runs the
    rich-text editor's import map, allowed by its hash (it only changes when
    the static files do), and keeps the inline styles and blob: images its
    templates and the editor use; a reader's page made in the admin (the story
    form's live preview, marked `_csp_reader_page`) keeps the readers' policy.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        media = _origin(settings.MEDIA_URL)
        extra = [{"img-src": media, "media-src": media} if media else {}]
        reader_page = getattr(response, "_csp_reader_page", False)
        if request.path.startswith(self.admin_prefix) and not reader_page:
            extra.append(self.admin_sources)
        parts.update = _merged(*extra, parts.update or {})
        parts.replace = {
            "upgrade-insecure-requests": settings.SECURE_SSL_REDIRECT,
            **(parts.replace or {}),
        }
        return parts

    @cached_property
    def admin_prefix(self):
        return reverse("admin:index")

    @cached_property
    def admin_sources(self):
        hashes = [f"'{digest}'" for digest in admin_inline_script_hashes()]
        return {
            "script-src": hashes,
            "style-src": [UNSAFE_INLINE],
            "img-src": ["blob:"],
        }


def _merged(*updates):
    """Directive updates added together, in the shape django-csp takes them."""
    merged = {}
    for update in updates:
        for directive, sources in update.items():
            if not isinstance(sources, (list, tuple, set)):
                sources = [sources]
            merged.setdefault(directive, []).extend(sources)
    return merged


def _origin(url):
    """The origin of media on another host (object storage), if any."""
    parts = urlsplit(url)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.netloc else []


def admin_inline_script_hashes():
    """CSP hashes of the inline scripts admin pages carry: the editor's import map."""
    from django_prose_editor.widgets import prose_editor_admin_media

    rendered = "".join(prose_editor_admin_media.render_importmap())
    return [script_hash(body) for body in inline_scripts(rendered)]


def inline_scripts(html):
    """The bodies of the <script> elements in `html` that have no src."""
    return [
        body
        for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
        if "src=" not in attrs
    ]


def script_hash(body):
    digest = hashlib.sha256(body.encode()).digest()
    return "sha256-" + base64.b64encode(digest).decode()

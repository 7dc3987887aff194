"""The Content-Security-Policy on every response.

The Permissions-Policy is PERMISSIONS_POLICY in newsroom/settings.py, sent by
django-permissions-policy.
"""

import base64
import hashlib
import re
from functools import cached_property
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every response.

    Reader pages run no inline script at all. The admin runs one: the import
    map of the rich-text editor, allowed by its hash (it only changes when the
    static files do). The admin keeps inline styles, which its own templates
    and the editor use.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path.startswith(self.admin_prefix)
            response["Content-Security-Policy"] = (
                self.admin_policy if admin else self.public_policy
            )
        return response

    @cached_property
    def admin_prefix(self):
        return reverse("admin:index")

    @cached_property
    def public_policy(self):
        return content_security_policy()

    @cached_property
    def admin_policy(self):
        hashes = [f"'{digest}'" for digest in admin_inline_script_hashes()]
        return content_security_policy(
            script_src=["'self'", *hashes],
            style_src=["'self'", "'unsafe-inline'"],
            img_src=["'self'", "data:", "blob:"],
        )


def content_security_policy(
    script_src=("'self'",), style_src=("'self'",), img_src=("'self'", "data:")
):
    media = _origin(settings.MEDIA_URL)
    directives = {
        "default-src": ["'self'"],
        "script-src": list(script_src),
        "style-src": list(style_src),
        "img-src": [*img_src, *media],
        "media-src": ["'self'", *media],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    policy = "; ".join(f"{name} {' '.join(v)}" for name, v in directives.items())
    if settings.SECURE_SSL_REDIRECT:
        policy += "; upgrade-insecure-requests"
    return policy


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

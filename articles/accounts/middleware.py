"""Staff sessions and gates, on every request (after OTPMiddleware and
MessageMiddleware).

- A signed-in session whose StaffSession row is gone was ended (from the
  account's security page, by a password change or a lockdown): it is signed
  out, and an admin page answers with the sign-in page.
- A session in use is touched (its "last seen").
- In the admin, an account that has a gate to pass (access.gate) reaches only
  that gate's pages; anything else redirects there.
- A browser seen for the first time at sign-in gets its cookie.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext

from . import access, browsers, sessions


class StaffSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = self._check(request)
        response = refused or self.get_response(request)
        browsers.set_cookie(request, response)
        return response

    def _check(self, request):
        # Without a session cookie nobody is signed in; the session is not even
        # read, so a reader's page stays the same for everyone (and cacheable).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        if not request.user.is_authenticated:
            return None
        in_admin = request.path_info.startswith(reverse("admin:index"))
        row = sessions.current(request)
        if row is None:
            request.session.flush()
            request.user = AnonymousUser()
            if not in_admin:
                return None
            messages.info(request, gettext("Your session was ended. Sign in again."))
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('admin:login')}?{query}")
        sessions.touch(request, row)
        if not in_admin:
            return None
        gate = access.gate(request)
        if gate == access.OPEN or access.lets_through(gate, request.path_info):
            return None
        return redirect(access.gate_url(gate, request.get_full_path()))

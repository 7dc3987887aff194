"""Passkeys (WebAuthn) through django-otp-webauthn, as a second factor only.

The relying party is the admin's host: NEWSROOM_ADMIN_ORIGIN's, or, where it
is not set, the host each request came to (one of ALLOWED_HOSTS). The
package's ceremony views are used as they are, with what this newsroom adds:
a ceremony left open longer than OTP_WEBAUTHN_TIMEOUT_SECONDS is refused,
every outcome is a security event, a new passkey is named after the browser
that made it, and a passkey used to sign in counts as a fresh verification.
"""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as ceremonies
from django_otp_webauthn.helpers import WebAuthnHelper

from . import events, factors
from .browsers import describe

Kind = events.Kind
_BEGUN_AT = "newsroom_passkey_begun_at"


class PasskeyHelper(WebAuthnHelper):
    def _origin(self):
        if settings.NEWSROOM_ADMIN_ORIGIN:
            return settings.NEWSROOM_ADMIN_ORIGIN
        return f"{self.request.scheme}://{self.request.get_host()}"

    def get_relying_party_domain(self) -> str:
        return urlsplit(self._origin()).hostname

    def get_relying_party_name(self) -> str:
        return settings.NEWSROOM_SITE_NAME

    def get_allowed_origins(self) -> list[str]:
        return [self._origin()]


class Expired(exceptions.OTPWebAuthnApiError):
    status_code = 400
    default_detail = _("That took too long: try again.")
    default_code = "expired"


class _Ceremony:
    """Begin: note when. Complete: refuse one begun too long ago; log refusals."""

    def _begun(self):
        self.request.session[_BEGUN_AT] = time.time()

    def _check_not_expired(self):
        begun = self.request.session.pop(_BEGUN_AT, None)
        limit = settings.OTP_WEBAUTHN_TIMEOUT_SECONDS
        if not isinstance(begun, (int, float)) or time.time() - begun > limit:
            # The package's state goes too: the ceremony starts again.
            self.request.session.pop("otp_webauthn_register_state", None)
            self.request.session.pop("otp_webauthn_authentication_state", None)
            raise Expired()

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.OTPWebAuthnApiError) and getattr(
            self.request, "user", None
        ):
            user = self.request.user if self.request.user.is_authenticated else None
            events.record(
                Kind.CODE_FAILED,
                request=self.request,
                user=user,
                detail=f"passkey: {exc.code}",
            )
        return super().handle_exception(exc)


class BeginRegistration(_Ceremony, ceremonies.BeginCredentialRegistrationView):
    def post(self, *args, **kwargs):
        self._begun()
        return super().post(*args, **kwargs)


class CompleteRegistration(_Ceremony, ceremonies.CompleteCredentialRegistrationView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._check_not_expired()

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        device = (
            factors.WebAuthnCredential.objects.filter(user=self.request.user)
            .order_by("-pk")
            .first()
        )
        if device is not None:
            browser = describe(self.request.META.get("HTTP_USER_AGENT", ""))
            device.name = f"Passkey ({browser})" if browser else "Passkey"
            device.save(update_fields=["name"])
            factors.added(self.request, device)
        return response


class BeginAuthentication(_Ceremony, ceremonies.BeginCredentialAuthenticationView):
    def post(self, *args, **kwargs):
        self._begun()
        return super().post(*args, **kwargs)


class CompleteAuthentication(
    _Ceremony, ceremonies.CompleteCredentialAuthenticationView
):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._check_not_expired()

    def check_can_authenticate(self):
        # A second factor only: the password comes first.
        if not self.request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        super().check_can_authenticate()

    def complete_auth(self, device):
        factors.verified(self.request, device)
        if self.request.GET.get("confirm"):
            # Asked for to confirm one step (a lockdown): good for that step only.
            factors.confirmed(self.request)

    def get_success_url(self):
        return self.get_redirect_url() or ""

"""Staff accounts under pressure: sessions, browsers, recovery codes, security
events and the lockdown.

The records here are written by articles.accounts (sign-in, second factors,
sessions, lockdown) and read by the admin's security pages. Passkeys and
authenticator apps are django-otp devices of their own packages; recovery
codes are a device of ours because django-otp's static tokens are kept in
clear, and these are kept only as digests.
"""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin


class StaffSession(models.Model):
    """One signed-in session of a staff member: where it was opened, and when
    it was last used. A session whose row is gone has been ended: the next
    request it makes is signed out (articles.accounts.middleware)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_sessions",
        verbose_name=_("user"),
    )
    session_key = models.CharField(_("session key"), max_length=40, db_index=True)
    browser = models.CharField(_("browser"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed in at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen at"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff session")
        verbose_name_plural = _("staff sessions")
        ordering = ["-last_seen_at"]

    def __str__(self):
        return f"{self.user} ({self.browser or '?'})"


def digest(secret: str) -> str:
    """The SHA-256 digest of a random secret, kept instead of the secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


class KnownBrowser(models.Model):
    """A browser a staff member has signed in from before, known by a random
    token in a long-lived cookie (kept here as a digest). A sign-in from a
    browser not known to the account is told to them by email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="known_browsers",
        verbose_name=_("user"),
    )
    token_digest = models.CharField(max_length=64)
    browser = models.CharField(_("browser"), max_length=200, blank=True)
    first_seen_at = models.DateTimeField(_("first seen at"), auto_now_add=True)
    # Forgotten by a lockdown: the next sign-in from it is told to the account.
    forgotten = models.BooleanField(_("forgotten"), default=False)

    class Meta:
        verbose_name = _("known browser")
        verbose_name_plural = _("known browsers")
        ordering = ["-first_seen_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "token_digest"], name="known_browser_once_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.browser or '?'})"


class SecurityEvent(models.Model):
    """Something that happened to a staff account: a sign-in, a failure, a
    device added or removed, a session ended, a lockdown. Never a password,
    a code or a secret."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", _("Signed in with a password")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        LOCKED_OUT = "locked_out", _("Locked out after failures")
        VERIFIED = "verified", _("Second factor accepted")
        CODE_FAILED = "code_failed", _("Second factor refused")
        NEW_BROWSER = "new_browser", _("Sign-in from a new browser")
        SIGNED_OUT = "signed_out", _("Signed out")
        SESSION_ENDED = "session_ended", _("Session ended")
        PASSWORD_CHANGED = "password_changed", _("Password set")
        DEVICE_ADDED = "device_added", _("Second factor added")
        DEVICE_REMOVED = "device_removed", _("Second factor removed")
        DEVICES_RESET = "devices_reset", _("Second factors reset")
        RECOVERY_CODES = "recovery_codes", _("Recovery codes made")
        LOCKDOWN = "lockdown", _("Lockdown started")
        LOCKDOWN_LIFTED = "lockdown_lifted", _("Lockdown lifted")
        REFUSED = "refused", _("Refused")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("account"),
    )
    # The account's name as typed or as it was: a failed sign-in may name no
    # account, and a deleted account's events keep its name.
    username = models.CharField(_("account name"), max_length=150, blank=True)
    actor = models.CharField(
        _("done by"),
        max_length=150,
        blank=True,
        help_text=_("Who did it, where that is not the account itself."),
    )
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    browser = models.CharField(_("browser"), max_length=200, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at"]
        indexes = [
            # An account's own recent events, on its security page.
            models.Index(fields=["user", "-at"], name="security_event_user_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.username}"


class LockdownQuerySet(models.QuerySet):
    def in_force(self):
        """The lockdown in force, or None."""
        return self.filter(in_force=True).first()


class Lockdown(models.Model):
    """An emergency lockdown: staff sessions ended, passwords to be reset,
    publishing frozen until it is lifted. At most one is in force."""

    in_force = models.BooleanField(_("in force"), default=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    started_by = models.CharField(_("started by"), max_length=150)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.CharField(_("lifted by"), max_length=150, blank=True)
    break_glass = models.JSONField(
        _("break-glass accounts"),
        default=list,
        blank=True,
        help_text=_("Accounts kept signed in and exempt from the resets."),
    )
    sessions_ended = models.PositiveIntegerField(_("sessions ended"), default=0)

    objects = LockdownQuerySet.as_manager()

    class Meta:
        verbose_name = _("lockdown")
        verbose_name_plural = _("lockdowns")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["in_force"],
                condition=Q(in_force=True),
                name="one_lockdown_in_force",
            )
        ]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.started_by})"


class PasswordResetRequired(models.Model):
    """A staff member who must choose a new password before anything else in
    the admin (set by a lockdown; gone once they have)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("user"),
    )
    since = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("password reset required")
        verbose_name_plural = _("passwords reset required")
        ordering = ["-since"]

    def __str__(self):
        return str(self.user)


# Ten codes of twelve letters and digits (60 random bits each): enough to come
# back in after losing every other device, and never guessed.
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _normalise_code(code: str) -> str:
    return "".join(code.lower().split()).replace("-", "")


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """Single-use recovery codes, a django-otp device: each code signs in once,
    and only the codes' digests are kept."""

    class Meta(Device.Meta):
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")
        ordering = ["user", "pk"]

    def get_throttle_factor(self):
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def renew(self) -> list[str]:
        """New codes in place of any left; returns them, the only time they
        are seen."""
        codes = [
            "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12))
            for _ in range(RECOVERY_CODES)
        ]
        with transaction.atomic():
            self.codes.all().delete()
            RecoveryCode.objects.bulk_create(
                RecoveryCode(device=self, code_digest=digest(code)) for code in codes
            )
        return [f"{code[:4]}-{code[4:8]}-{code[8:]}" for code in codes]

    def verify_token(self, token):
        allowed, _ = self.verify_is_allowed()
        if not allowed or not isinstance(token, str):
            return False
        used = self.codes.filter(code_digest=digest(_normalise_code(token))).delete()
        if used[0]:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment()
        return False


class RecoveryCode(models.Model):
    device = models.ForeignKey(
        RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes"
    )
    code_digest = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        ordering = ["pk"]

    def __str__(self):
        # Never the code: it is not kept.
        return f"{self.device} #{self.pk}"

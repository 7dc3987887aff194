"""Sign-in security in the admin: each account's own page (its passkeys and
apps, recovery codes, sessions and recent events), the security log for
superusers, a superuser's reset of another account's factors, and the
lockdown button.
"""

import uuid

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnAttestation, WebAuthnCredential

from articles.accounts import events, factors, passkeys, sessions
from articles.accounts import lockdown as lockdowns
from articles.models import SecurityEvent, StaffSession

from . import signin
from .signin import page, staff_view

Kind = SecurityEvent.Kind
RECENT_EVENTS = 20


@require_http_methods(["GET", "POST"])
@staff_view
def security(request):
    """The account's sign-in security, and enrolling its first factor."""
    user = request.user
    if request.method == "POST":
        _change(request, request.POST.get("action", ""))
        return redirect("staff-security")
    current = request.session.get(sessions.SESSION_KEY)
    return page(
        request,
        "security.html",
        gettext("Sign-in security"),
        factors=factors.factors_of(user),
        recovery_codes_left=factors.recovery_codes_left(user),
        sessions=sessions.live_of(user),
        current_session=current,
        events=SecurityEvent.objects.filter(user=user)[:RECENT_EVENTS],
        required=settings.NEWSROOM_REQUIRE_2FA,
    )


def _change(request, action):
    """Rename or remove a factor, or end a session; say what happened."""
    user = request.user
    if action == "end-session":
        ended = sessions.end(
            StaffSession.objects.filter(
                user=user, pk=_uuid(request.POST.get("session"))
            )
        )
        if ended:
            events.record(Kind.SESSION_ENDED, request=request, user=user)
            messages.success(request, gettext("That session is ended."))
        else:
            messages.error(request, gettext("That session had ended already."))
        return
    device = factors.find(user, request.POST.get("factor", ""))
    if device is None:
        messages.error(request, gettext("That passkey or app was removed already."))
        return
    try:
        if action == "rename":
            factors.rename(request, device, request.POST.get("name", ""))
            messages.success(request, gettext("Renamed."))
        elif action == "remove":
            ended = factors.remove(request, device)
            messages.success(
                request,
                ngettext(
                    "Removed; %(count)d other session of yours was ended.",
                    "Removed; %(count)d other sessions of yours were ended.",
                    ended,
                )
                % {"count": ended},
            )
    except factors.FactorError as refusal:
        messages.error(request, str(refusal))


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


class LockdownForm(forms.Form):
    break_glass = forms.CharField(
        label=_("Break-glass accounts"),
        required=False,
        help_text=_(
            "Other superusers kept signed in and left as they are, names "
            "separated by commas. You are always one."
        ),
    )
    code = forms.CharField(
        label=_("Your code"),
        required=False,
        max_length=40,
        help_text=_(
            "A code from your authenticator app or a recovery code, or confirm "
            "with your passkey below."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )
    password = forms.CharField(
        label=_("Your password"),
        required=False,
        widget=forms.PasswordInput,
        help_text=_("Only if your account has no second factor."),
    )

    def clean_break_glass(self):
        accounts, missing = lockdowns.accounts_named(
            self.cleaned_data["break_glass"].split(","), superusers_only=True
        )
        if missing:
            raise forms.ValidationError(
                gettext("Not an active superuser here: %(names)s")
                % {"names": ", ".join(sorted(missing))}
            )
        return list(accounts)


@sensitive_post_parameters("code", "password")
@require_http_methods(["GET", "POST"])
@staff_view
def lockdown(request):
    """Start or lift a lockdown: superusers only, after their second factor."""
    lockdown_now = lockdowns.in_force()
    if not request.user.is_superuser:
        if request.method == "POST":
            events.refused(request, "lockdown: not a superuser")
        raise PermissionDenied
    form = LockdownForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _confirmed(request, form):
            return _lock_or_lift(
                request, lockdown_now, form.cleaned_data["break_glass"]
            )
        form.add_error(
            None,
            gettext(
                "Confirm it is you first: your code, your passkey, or your "
                "password if your account has no second factor."
            ),
        )
    context = {"form": form, "lockdown_now": lockdown_now}
    if lockdown_now:
        context["waiting"] = lockdowns.waiting(lockdown_now).count()
    context["has_passkey"] = factors.has_passkey(request.user)
    return page(request, "lockdown.html", gettext("Lockdown"), **context)


def _confirmed(request, form) -> bool:
    user = request.user
    code = form.cleaned_data["code"]
    if code:
        if not factors.may_try_code(request, user):
            return False
        return factors.verify_code(request, code) is not None
    if factors.take_confirmation(request):
        return True
    if not factors.has_factor(user):
        return user.check_password(form.cleaned_data["password"] or "")
    return False


def _lock_or_lift(request, lockdown_now, break_glass):
    who = request.user.get_username()
    try:
        if lockdown_now:
            lockdowns.lockdown_lift(by=who, request=request)
            messages.success(request, gettext("The lockdown is lifted."))
        else:
            lockdowns.lockdown_start(
                by=who, break_glass=[request.user, *break_glass], request=request
            )
            messages.warning(
                request, gettext("Lockdown: every other staff session is ended.")
            )
    except lockdowns.LockdownError as refusal:
        messages.error(request, str(refusal))
    return redirect("staff-lockdown")


# The second factors' own admin pages would show secrets (an app's key) and
# let devices change outside the rules: each account manages its own on its
# security page, and superusers reset them from the user list.
for model in (TOTPDevice, WebAuthnCredential, WebAuthnAttestation):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class StaffAdmin(UserAdmin):
    actions = ["reset_factors"]

    @admin.action(description=_("Reset second factors (they enrol again)"))
    def reset_factors(self, request, queryset):
        if not request.user.is_superuser:
            events.refused(request, "reset factors: not a superuser")
            raise PermissionDenied
        for account in queryset.exclude(pk=request.user.pk):
            factors.reset(request, account)
        messages.success(request, gettext("Their passkeys, apps and codes are gone."))


urls = [
    path("security/", security, name="staff-security"),
    path("verify/", signin.verify, name="staff-verify"),
    path("app/", signin.app, name="staff-app"),
    path("recovery-codes/", signin.recovery_codes, name="staff-recovery-codes"),
    path("lockdown/", lockdown, name="staff-lockdown"),
    path(
        "passkeys/register/begin/",
        passkeys.BeginRegistration.as_view(),
        name="staff-passkey-register-begin",
    ),
    path(
        "passkeys/register/complete/",
        passkeys.CompleteRegistration.as_view(),
        name="staff-passkey-register-complete",
    ),
    path(
        "passkeys/sign-in/begin/",
        passkeys.BeginAuthentication.as_view(),
        name="staff-passkey-sign-in-begin",
    ),
    path(
        "passkeys/sign-in/complete/",
        passkeys.CompleteAuthentication.as_view(),
        name="staff-passkey-sign-in-complete",
    ),
]

"""Signing in with a second factor, and enrolling one: the pages an account
reaches before the rest of the admin (articles.accounts.access).

- verify: after the password, a passkey, a code from the authenticator app
  or a recovery code;
- app: setting up an authenticator app (a QR code, then its first code);
- recovery codes: ten new single-use codes, shown once.

These pages are not behind the admin site's permission (an account at a gate
has none yet); each checks who may see it.
"""

from base64 import b32encode, b64encode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.accounts import access, factors
from articles.lockout import lockout_response

APP_SESSION_KEY = "newsroom_app_being_set_up"


def staff_view(view):
    """For signed-in staff, gated or not (Django's staff_member_required, not
    the admin site's permission); never cached."""
    return never_cache(staff_member_required(view))


def next_page(request) -> str:
    """Where to go once through: the `next` asked for, if it is ours."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("admin:index")


def page(request, template, title, **context):
    return TemplateResponse(
        request,
        f"admin/account/{template}",
        {
            **admin.site.each_context(request),
            # At a gate, the admin's menus lead nowhere yet: they are left out.
            "has_permission": access.gate(request) == access.OPEN,
            "title": title,
            "next": next_page(request),
            **context,
        },
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_(
            "The six digits your authenticator app shows now, or one of your "
            "recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}
        ),
    )


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@staff_view
def verify(request):
    """The second step of signing in."""
    user = request.user
    if user.is_verified():
        return HttpResponseRedirect(next_page(request))
    if access.gate(request) != access.VERIFY:
        return redirect(access.gate_url(access.gate(request), next_page(request)))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not factors.may_try_code(request, user):
            return _locked_out(request)
        if factors.verify_code(request, form.cleaned_data["code"]):
            return HttpResponseRedirect(next_page(request))
        if not factors.may_try_code(request, user):
            return _locked_out(request)
        form.add_error("code", _refusal(user))
    return page(
        request,
        "verify.html",
        gettext("Your second factor"),
        form=form,
        has_passkey=factors.has_passkey(user),
        has_app=TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        recovery_codes_left=factors.recovery_codes_left(user),
    )


def _refusal(user) -> str:
    wait = factors.wait_seconds(user)
    # One wrong code holds the next back a second: nobody types faster.
    if wait > 1:
        return ngettext(
            "Too many wrong codes: wait %(seconds)d second before the next try.",
            "Too many wrong codes: wait %(seconds)d seconds before the next try.",
            wait,
        ) % {"seconds": wait}
    return gettext(
        "That code is wrong, out of date or used already. Try the code your app "
        "shows now, or another recovery code."
    )


def _locked_out(request):
    """Too many wrong codes: signed out, with the same page as for passwords."""
    response = lockout_response(request, credentials=factors.credentials(request.user))
    logout(request)
    return response


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@staff_view
def app(request):
    """Set up an authenticator app: scan, then type the first code it shows."""
    device = TOTPDevice.objects.filter(
        user=request.user, confirmed=False, pk=request.session.get(APP_SESSION_KEY)
    ).first()
    if device is None or request.method == "GET":
        device = factors.new_app(request.user)
        request.session[APP_SESSION_KEY] = device.pk
    form = CodeForm(request.POST or None)
    form.fields["code"].help_text = gettext("The six digits the app shows now.")
    if request.method == "POST" and form.is_valid():
        if not factors.may_try_code(request, request.user):
            return _locked_out(request)
        if factors.confirm_app(request, device, form.cleaned_data["code"]):
            request.session.pop(APP_SESSION_KEY, None)
            messages.success(request, gettext("The authenticator app is set up."))
            return _after_enrolment(request)
        form.add_error(
            "code",
            gettext(
                "That code does not match: check the time on your phone and "
                "type the code the app shows now."
            ),
        )
    svg = factors.app_qr_code(device)
    return page(
        request,
        "app.html",
        gettext("Set up an authenticator app"),
        form=form,
        qr_code=f"data:image/svg+xml;base64,{b64encode(svg.encode()).decode()}",
        secret=_grouped(device),
    )


def _grouped(device: TOTPDevice) -> str:
    """The app's secret in base 32, for typing it in by hand, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _after_enrolment(request):
    """A first factor is followed by recovery codes; then on to where it was going."""
    if not factors.recovery_codes_left(request.user):
        return recovery_codes_page(request)
    return HttpResponseRedirect(next_page(request))


@require_http_methods(["GET", "POST"])
@staff_view
def recovery_codes(request):
    """Make new recovery codes (the old ones stop working) and show them, once."""
    if request.method == "POST":
        return recovery_codes_page(request)
    return page(
        request,
        "recovery_codes.html",
        gettext("Recovery codes"),
        codes=None,
        left=factors.recovery_codes_left(request.user),
    )


def recovery_codes_page(request):
    if not factors.has_factor(request.user):
        messages.error(request, gettext("Add a passkey or an app first."))
        return redirect("staff-security")
    codes = factors.new_recovery_codes(request, request.user)
    response = page(
        request, "recovery_codes.html", gettext("Recovery codes"), codes=codes
    )
    response["Cache-Control"] = "no-store"
    return response

"""The admin in each staff member's language: their choice, kept with their
account and brought back at every sign-in (articles.serving.languages)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from articles.models import StaffProfile
from articles.serving.languages import remember_desk_language


class DeskLanguageForm(forms.ModelForm):
    class Meta:
        model = StaffProfile
        fields = ["language"]
        labels = {"language": gettext_lazy("Language of the admin")}


@never_cache
def desk_language(request):
    """Choose the admin's language: every page from the next one speaks it."""
    profile = StaffProfile.objects.filter(user=request.user).first()
    profile = profile or StaffProfile(user=request.user)
    form = DeskLanguageForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        remember_desk_language(request, profile.language)
        with translation.override(profile.language or request.LANGUAGE_CODE):
            messages.success(request, _("The admin speaks your language now."))
        return redirect("admin:index")
    context = {
        **admin.site.each_context(request),
        "title": _("Language of the admin"),
        "form": form,
    }
    return TemplateResponse(request, "admin/desk_language.html", context)


@receiver(user_logged_in)
def _speak_their_language(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember_desk_language(request, StaffProfile.language_of(user))

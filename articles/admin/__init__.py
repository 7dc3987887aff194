"""Everything editors see: the Django admin, made the newsroom's desk.

Registration happens on import of the modules below, one per area:
- stories: the story form, byline and corrections (ArticleAdmin);
- desk: the story form's autosave, leave warning and live preview (DeskMixin);
- workflow: states, the publish/schedule/unpublish actions, previews,
  recovery (ArticleWorkflowMixin), over rules: who may do what, and the
  moves a story makes (also what commands use);
- media: pictures and embeds, and who may change what a live story shows;
- prompts: membership prompts and tiers, their previews and figures;
- site: outlets, sections, authors and tags;
- history: revisions compared field by field, and who changed a story last;
- audit: the read-only admin log;
- security, signin: sign-in security (second factors, sessions, the
  security log, the lockdown button) and the pages before the rest of the
  admin (a second factor, enrolling one);
- forms: the admin's own forms;
- catalog: the words of the admin's own scripts, in the editor's language
  (Django's JavaScript catalog, admin:newsroom_jsi18n).

The admin is the top floor beside views: it imports models, helpers and the
prompts package; nothing below imports it.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import audit, media, prompts, security, site, stories  # noqa: F401

admin.site.site_header = _("Newsroom")
admin.site.site_title = _("Newsroom admin")
admin.site.index_title = _("Stories, pictures and appeals")

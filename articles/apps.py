from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    default = True
    name = "articles"
    verbose_name = _("Newsroom")

    def ready(self):
        from django.core import checks

        from articles import signals  # noqa: F401
        from articles.accounts import events, signin  # noqa: F401  (receivers)
        from articles.admin import language  # noqa: F401  (sign-in signal)
        from articles.editions import check_editions

        checks.register(check_editions)


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin on a site that asks staff for their second factor."""

    default = False
    default_site = "articles.accounts.site.NewsroomAdminSite"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Newsroom")

    def ready(self):
        from django.core import checks

        from articles import signals  # noqa: F401
        from articles.admin import language  # noqa: F401  (sign-in signal)
        from articles.editions import check_editions

        checks.register(check_editions)

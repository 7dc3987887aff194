from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WordPressConfig(AppConfig):
    name = "articles.wordpress"
    label = "wordpress"
    verbose_name = _("Moving from WordPress")

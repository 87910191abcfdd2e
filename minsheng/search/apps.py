from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "minsheng.search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from minsheng.search import signals  # noqa: F401  (the index follows the texts)

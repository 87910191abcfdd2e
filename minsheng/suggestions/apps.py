from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "minsheng.suggestions"
    verbose_name = _("Deputies' suggestions")

    def ready(self) -> None:
        import minsheng.suggestions.signals  # noqa: F401  (recomputes due dates on changes)
        from minsheng.suggestions import panels, worklist  # noqa: F401  (home-page panels)

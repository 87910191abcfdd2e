from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "minsheng.insight"
    verbose_name = _("Text intelligence")

    def ready(self) -> None:
        # Staff's choices at assignment are recorded against the proposal.
        from minsheng.insight import feedback  # noqa: F401
        from minsheng.insight.views_similar import staff_section
        from minsheng.suggestions.views.detail import register_panel

        # The suggestion page's similar suggestions, repeats and merge offer (congress staff).
        register_panel("insight/similar_section.html", staff_section)

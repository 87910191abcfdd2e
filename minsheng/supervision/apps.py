from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "minsheng.supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from minsheng.suggestions.views.detail import register_panel
        from minsheng.supervision import (
            actions,  # noqa: F401  (timeline words)
            panels,  # noqa: F401  (home-page panels)
        )
        from minsheng.supervision.views import suggestion_panel

        register_panel("supervision/_suggestion_panel.html", suggestion_panel)

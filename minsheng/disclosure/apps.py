from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "minsheng.disclosure"
    verbose_name = _("Publication")

    def ready(self) -> None:
        from minsheng.disclosure import hooks  # noqa: F401  (publication follows the replies)
        from minsheng.disclosure.views_staff import suggestion_panel
        from minsheng.suggestions.views.detail import register_panel

        register_panel("disclosure/_suggestion_panel.html", suggestion_panel)

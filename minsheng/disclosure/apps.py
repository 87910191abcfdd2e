from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "minsheng.disclosure"
    verbose_name = _("Publication")

    def ready(self) -> None:
        from minsheng.disclosure import hooks  # noqa: F401  (publication follows the replies)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WishesConfig(AppConfig):
    name = "minsheng.wishes"
    verbose_name = _("Micro-wishes")

    def ready(self) -> None:
        from minsheng.wishes import panels  # noqa: F401  (home-page panels)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "minsheng.people"
    verbose_name = _("People and organisations")

    def ready(self) -> None:
        from minsheng.people import panels  # noqa: F401  (registers the home-page panels)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "minsheng.ledger"
    verbose_name = _("Ledgers")

    def ready(self) -> None:
        from minsheng.ledger import (
            actions,  # noqa: F401  (timeline words)
            panels,  # noqa: F401  (home-page panel)
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "minsheng.ledger"
    verbose_name = _("Ledgers")

    def ready(self) -> None:
        from minsheng.ledger import (
            actions,  # noqa: F401  (timeline words)
            actions_teams,  # noqa: F401  (the rectifications' words, the item's team events)
            panels,  # noqa: F401  (home-page panel)
            panels_teams,  # noqa: F401  (rectification on the home page)
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "minsheng.ledger"
    verbose_name = _("Ledgers")
    # `minsheng demo` runs these modules of the app, in order: the year's ledger first, then
    # last year's vote, the commitments and the supervision teams.
    demo_modules = ("demo", "demo_vote", "demo_commitments", "demo_teams")

    def ready(self) -> None:
        from minsheng.ledger import (
            actions,  # noqa: F401  (timeline words)
            actions_teams,  # noqa: F401  (the rectifications' words, the item's team events)
            panels,  # noqa: F401  (home-page panel)
            panels_teams,  # noqa: F401  (rectification on the home page)
        )

        self._commitments()

    def _commitments(self) -> None:
        """B commitments: entered when a B reply is signed, shown on the suggestion page and
        in the home worklist."""
        from minsheng.ledger import commitments
        from minsheng.suggestions.views.detail import register_panel
        from minsheng.suggestions.workflow import on_reply_signed

        on_reply_signed(commitments.commitment_from_reply)
        from minsheng.ledger import views_commitments

        register_panel("ledger/commitments/_suggestion_panel.html", views_commitments.panel)
        from minsheng.suggestions.worklist import register_rows

        register_rows(views_commitments.worklist_rows)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "minsheng.insight"
    verbose_name = _("Text intelligence")

    def ready(self) -> None:
        # Staff's choices at assignment are recorded against the proposal.
        from minsheng.insight import (
            feedback,  # noqa: F401
            norms_adapter,
            similar_adapter,
        )
        from minsheng.insight.views_similar import staff_section
        from minsheng.ledger import commitments
        from minsheng.suggestions import workflow
        from minsheng.suggestions.views.detail import register_panel, register_reply_advice

        # The reply norms: checked on every draft, kept as they stood when the head signed.
        workflow.on_reply_signed(norms_adapter.record)
        register_panel("insight/_reply_norms_panel.html", norms_adapter.panel)
        register_reply_advice(norms_adapter.advice)
        # The suggestion page's similar suggestions, repeats and merge offer (congress staff).
        register_panel("insight/similar_section.html", staff_section)
        # The ledger's look-back finds repeated topics by the same index.
        commitments.register_repeat_finder(
            similar_adapter.look_back, threshold=similar_adapter.LOOK_BACK_FROM
        )

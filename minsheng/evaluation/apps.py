from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "minsheng.evaluation"
    verbose_name = _("Evaluation")
    # `minsheng demo`: the schemes, then one campaign of the demo year partly worked through.
    demo_modules = ("demo", "demo_campaign")

    def ready(self) -> None:
        from minsheng.workcalendar.signals import calendar_changed

        calendar_changed.connect(_recompute_steps, dispatch_uid="evaluation_steps_on_calendar")


def _recompute_steps(sender: Any, by: Any = None, **kwargs: Any) -> None:
    """The calendar changed (after its commit): the open steps' warning days follow."""
    from minsheng.evaluation.campaigns import recompute_warnings

    recompute_warnings(by if getattr(by, "pk", None) else None)

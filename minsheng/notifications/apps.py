from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "minsheng.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # The receivers of the suggestions' transitions.
        from minsheng.notifications import evaluation, events, ledger, reminders, wishes  # noqa: F401

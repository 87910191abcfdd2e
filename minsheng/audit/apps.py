from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "minsheng.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_delete

        from minsheng.audit import log
        from minsheng.audit.models import Event

        # A subject's GenericRelation would otherwise delete its events with it, below the
        # ORM methods that refuse it: refuse the cascade too.
        pre_delete.connect(log.refuse_delete, sender=Event, dispatch_uid="audit-refuse-delete")
        # A test database flush empties the head row with everything else; put it back.
        post_migrate.connect(log.ensure_head, sender=self, dispatch_uid="audit-ensure-head")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "minsheng.people"
    verbose_name = _("People and organisations")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_save

        from minsheng.people import (
            choices,
            panels,  # noqa: F401  (registers the home-page panels)
        )
        from minsheng.people.models import Organisation

        pre_save.connect(choices.organisation_moving, sender=Organisation)
        post_save.connect(choices.organisation_changed, sender=Organisation)
        post_delete.connect(choices.organisation_changed, sender=Organisation)

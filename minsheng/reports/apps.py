from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "minsheng.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from minsheng.reports import panels  # noqa: F401  (the home-page panel)

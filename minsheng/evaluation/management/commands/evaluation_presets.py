"""`minsheng evaluation_presets [--jurisdiction CODE]`: create the three schemes of DOMAIN.md
§6 (Shenzhen gates, Hainan points, Qingdao deputy rating) for a congress, or for every one.
Idempotent: a preset already there (in any version) is left as it is."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.evaluation import schemes
from minsheng.people.models import Jurisdiction


class Command(BaseCommand):
    help = "Create the three evaluation scheme presets (DOMAIN.md §6) for a congress."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--jurisdiction", help="the congress's code (default: every one)")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = Jurisdiction.objects.order_by("pk")
        if options["jurisdiction"]:
            rows = rows.filter(code=options["jurisdiction"])
            if not rows.exists():
                raise CommandError(f"No congress with the code {options['jurisdiction']!r}.")
        for jurisdiction in rows:
            made = schemes.load_presets(jurisdiction)
            self.stdout.write(f"{jurisdiction.code}: {len(made)} preset(s) created")

"""`minsheng demo`: a coherent fictional province for trying Minsheng out.

The people app builds the jurisdictions, organisations, deputies and the demo cast; every other
app with a `demo` module adds its records after it (in INSTALLED_APPS order) through
`build(ctx)`. Deterministic for a seed; running it again adds nothing twice."""

from __future__ import annotations

import contextlib
import importlib
import pkgutil

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from minsheng.people import demo


class Command(BaseCommand):
    help = "Create (or complete) the demo province and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--size", choices=sorted(demo.SIZES), default="province")
        parser.add_argument("--logins-only", action="store_true", help="only print the demo logins")

    def handle(self, *args: object, **options: object) -> None:
        if not options["logins_only"]:
            modules = []
            for config in apps.get_app_configs():
                if not config.name.startswith("minsheng.") or config.name == "minsheng.people":
                    continue
                try:
                    modules.append(importlib.import_module(f"{config.name}.demo"))
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                # Further steps of the same app (`demo_teams.py`…) run after its `demo.py`.
                for extra in sorted(pkgutil.iter_modules([config.path]), key=lambda m: m.name):
                    if extra.name.startswith("demo_"):
                        modules.append(importlib.import_module(f"{config.name}.{extra.name}"))
            # A demo module may hold something off while the whole demo is built and committed
            # (`during_build()`): the notifications app, the messages of a replayed year.
            with contextlib.ExitStack() as stack:
                for module in modules:
                    if hasattr(module, "during_build"):
                        stack.enter_context(module.during_build())
                with transaction.atomic():
                    ctx = demo.build(int(options["seed"]), str(options["size"]))  # type: ignore[call-overload]
                    for module in modules:
                        module.build(ctx)
            for line in ctx.log:
                self.stdout.write(line)
        self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password: {demo.DEMO_PASSWORD}):")
        for username, (real_name, description) in demo.CAST.items():
            self.stdout.write(f"  {username:<11} {real_name:<6} {description}")

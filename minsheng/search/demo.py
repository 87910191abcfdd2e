"""The demo's search index: built once every other app has added its records (this app comes
after them in INSTALLED_APPS), so `manage.py demo` leaves it right."""

from __future__ import annotations

import contextlib

from minsheng.people.demo import DemoContext
from minsheng.search import index


def during_build() -> contextlib.AbstractContextManager[None]:
    return index.suspended()


def build(ctx: DemoContext) -> None:
    counts = index.rebuild()
    if counts:
        ctx.log.append(
            "search: indexed " + ", ".join(f"{count:,} {scope}" for scope, count in counts.items())
        )

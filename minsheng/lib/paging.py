"""A paginator whose count comes from elsewhere: a cheaper query holding the same rows (the
unit inbox) or a count kept in the cache (the wish wall)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.core.paginator import Paginator


class CountedPaginator(Paginator[Any]):
    """Pages `object_list` and takes its number of rows from `count()`, asked at most once."""

    def __init__(self, object_list: Any, per_page: int, *, count: Callable[[], int]) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return int(self._count())

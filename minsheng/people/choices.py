"""Choice lists the filter bars share, kept in the cache between changes.

A list page's filter bar offers the person's congresses' handling units (60 or so in a
province): reading and ordering them was about a twentieth of the ledger list's time, on
every view, for a list that changes a few times a year. `handling_unit_choices` keeps each
congress's list in the cache (one `get_many` for the person's congresses) and forgets it when an
organisation of that congress is saved or deleted (`people.apps`); with a per-process cache
(the default `LocMemCache`) another worker process sees the change within `KEPT_SECONDS`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction

KEPT_SECONDS = 60
_KEY = "people:unit-choices:{}"


def _key(jurisdiction_id: int) -> str:
    return _KEY.format(jurisdiction_id)


def handling_unit_choices(jurisdiction_ids: Iterable[int]) -> list[tuple[int, str]]:
    """(pk, name) of the active handling units of those congresses, in the organisations'
    order (congress by code, then sort order and name)."""
    from minsheng.people.models import Jurisdiction, Organisation

    ids = sorted(set(jurisdiction_ids))
    if not ids:
        return []
    found: dict[str, Any] = cache.get_many([_key(j) for j in ids])
    missing = [j for j in ids if _key(j) not in found]
    if missing:
        codes = dict(Jurisdiction.objects.filter(pk__in=missing).values_list("pk", "code"))
        lists: dict[int, list[tuple[int, str]]] = {j: [] for j in missing}
        rows = (
            Organisation.objects.handling_units()
            .filter(jurisdiction_id__in=missing)
            .order_by("sort_order", "name")
            .values_list("jurisdiction_id", "pk", "name")
        )
        for j, pk, name in rows:
            lists[j].append((pk, name))
        fresh = {_key(j): (codes.get(j, ""), lists[j]) for j in missing}
        cache.set_many(fresh, KEPT_SECONDS)
        found.update(fresh)
    entries = sorted(found.values(), key=lambda entry: entry[0])
    return [choice for _code, units in entries for choice in units]


def forget_unit_choices(jurisdiction_id: int | None) -> None:
    """Forget a congress's list now and again once the change has committed (another
    process may have read the old rows in between)."""
    if jurisdiction_id is not None:
        key = _key(jurisdiction_id)
        cache.delete(key)
        transaction.on_commit(lambda: cache.delete(key))


def organisation_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save / post_delete of an Organisation: its congress's list is read afresh."""
    forget_unit_choices(instance.jurisdiction_id)


def organisation_moving(sender: Any, instance: Any, **kwargs: Any) -> None:
    """pre_save of a stored Organisation: the congress it was in (if it moves) too."""
    if instance.pk is not None and not kwargs.get("raw"):
        was = sender.objects.filter(pk=instance.pk).values_list("jurisdiction_id", flat=True)
        for jurisdiction_id in was:
            if jurisdiction_id != instance.jurisdiction_id:
                forget_unit_choices(jurisdiction_id)

"""The index follows the texts: a publication's public entry after each of its actions commits
(`publication_changed`), a suggestion's staff entry in the transaction that saves it. A failure
to index never undoes the change it follows: it is logged, and `minsheng search rebuild` puts
the index right."""

from __future__ import annotations

import logging
from typing import Any

from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from minsheng.disclosure.actions import publication_changed
from minsheng.disclosure.models import Publication
from minsheng.search import index
from minsheng.suggestions.models import Suggestion

log = logging.getLogger(__name__)
TEXT_FIELDS = frozenset({"title", "body"})


@receiver(publication_changed, dispatch_uid="search.on_publication_changed")
def on_publication_changed(sender: Any, publication: Any, **kwargs: Any) -> None:
    if index.is_suspended():
        return
    try:
        index.index_publication(publication.pk)
    except Exception:  # the action is committed; `search rebuild` catches up
        log.exception("publication %s not indexed", publication.pk)


@receiver(post_save, sender=Suggestion, dispatch_uid="search.on_suggestion_saved")
def on_suggestion_saved(
    sender: Any, instance: Suggestion, update_fields: Any = None, **kwargs: Any
) -> None:
    if index.is_suspended() or kwargs.get("raw"):
        return
    if update_fields is not None and not TEXT_FIELDS & set(update_fields):
        return
    index.index_suggestion(instance.pk, instance.title, instance.body)


@receiver(post_delete, sender=Suggestion, dispatch_uid="search.on_suggestion_deleted")
def on_suggestion_deleted(sender: Any, instance: Suggestion, **kwargs: Any) -> None:
    index.drop_suggestion(instance.pk)


@receiver(post_delete, sender=Publication, dispatch_uid="search.on_publication_deleted")
def on_publication_deleted(sender: Any, instance: Publication, **kwargs: Any) -> None:
    index.drop_publication(instance.pk)


@receiver(post_migrate, dispatch_uid="search.on_post_migrate")
def on_post_migrate(
    sender: Any, app_config: Any = None, using: str = "default", **kwargs: Any
) -> None:
    """An existing database's first migration to search: its texts are indexed once."""
    if getattr(app_config, "name", "") != "minsheng.search" or using != "default":
        return
    if not index.available() or not index.is_empty():
        return
    if Suggestion.objects.exists():
        index.rebuild()

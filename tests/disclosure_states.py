"""Publication records in each state, reached through the real workflows (tests' helpers)."""

from __future__ import annotations

from minsheng.disclosure import workflow
from minsheng.disclosure.models import Publication
from minsheng.suggestions import workflow as suggestions
from tests import states


def answered(cast, capture, **kw):
    """An answered suggestion whose publication the hook prepared (on commit)."""
    with capture(execute=True):
        s = states.answered(cast, **kw)
    return s, Publication.objects.get(suggestion=s)


def pending(cast, capture, **kw) -> Publication:
    return answered(cast, capture, **kw)[1]


def published(cast, capture, **kw) -> Publication:
    pub = pending(cast, capture, **kw)
    return workflow.publish(pub, by=cast.staff)


def rated_published(cast, capture, overall="satisfied", **kw) -> Publication:
    s, pub = answered(cast, capture, **kw)
    pub = workflow.publish(pub, by=cast.staff)
    with capture(execute=True):
        suggestions.rate(s, by=cast.deputy, overall=overall)
    pub.refresh_from_db()
    return pub

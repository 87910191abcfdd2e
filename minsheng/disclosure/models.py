"""Publication (公开, DOMAIN.md §2.8): answered is not the same as published.

One `Publication` per suggestion, prepared automatically once the suggestion is answered and due
within the rule set's working days (`RuleSet.publication_workdays`, stored on each sent reply as
`Reply.publication_due`). Staff review it with redaction and publish it, or withhold it; a
published one can be withdrawn with a reason. Confidential (涉密) suggestions are never
published: the engine refuses to queue or publish them and the database refuses a published
row marked confidential.

The original texts stay where they are (the suggestion's title and body, each reply's text);
the record stores what the review decided about them:

- `spans`: per piece (`title`, `body`, `reply:<id>`), the masked spans `[start, end, kind]`
  over the original text (automatic detections and the reviewer's manual ones);
- `summaries`: per reply piece, a summary that replaces a long reply in public;
- `fingerprints`: per piece, a hash of the original text the spans were made for; a piece whose
  text no longer matches is not shown in public;
- `shown`: the pieces that were reviewed when it was published: a later reply is not public
  until it is reviewed.

The public site reads the listing columns (`public`, `year`, `session`, `category`, `unit`,
`delegation`, `result`, `rating`, `on_time`, dates), set when the record is published.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minsheng.people.models import Jurisdiction, Organisation, Session
from minsheng.suggestions.models import Category, Suggestion


class PublicationQuerySet(models.QuerySet["Publication"]):
    def public(self) -> PublicationQuerySet:
        """What the public site shows: published, never confidential (checked twice: the
        record's own flag and the suggestion's, in case it was marked confidential since)."""
        return self.filter(public=1, suggestion__is_confidential=False)

    def visible_to(self, user: Any) -> PublicationQuerySet:
        from minsheng.disclosure.permissions import publication_filter

        return self.filter(publication_filter(user))


class Publication(models.Model):
    class State(models.TextChoices):
        NOT_DUE = "not_due", _("Not due yet")
        PENDING = "pending_review", _("Waiting for review")
        PUBLISHED = "published", _("Published")
        WITHHELD = "withheld", _("Withheld")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")
        NOT_RATED = "not_rated", _("Not rated")

    REVIEWABLE = (State.NOT_DUE, State.PENDING)

    suggestion = models.OneToOneField(
        Suggestion, models.CASCADE, related_name="publication", verbose_name=_("suggestion")
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, related_name="+", verbose_name=_("jurisdiction")
    )
    state = models.CharField(
        _("state"), max_length=15, choices=State.choices, default=State.NOT_DUE
    )
    version = models.PositiveIntegerField(default=0, editable=False)
    confidential = models.BooleanField(_("confidential (涉密)"), default=False)
    due = models.DateField(_("publish by"), null=True, blank=True)
    due_uncertain = models.BooleanField(
        _("publication date in an unknown calendar year"), default=False
    )
    prepared_at = models.DateTimeField(_("prepared"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # Why it was withheld or withdrawn (staff only; the public sees only that it is not there).
    reason = models.TextField(_("reason"), blank=True)
    spans = models.JSONField(_("masked spans"), default=dict, blank=True)
    summaries = models.JSONField(_("summaries"), default=dict, blank=True)
    fingerprints = models.JSONField(default=dict, blank=True, editable=False)
    shown = models.JSONField(default=list, blank=True, editable=False)

    # The public listing's columns, set at publication (1 while published, else 0: an integer,
    # so SQLite can search the index by it, as the wish wall's `wall`).
    public = models.PositiveSmallIntegerField(default=0, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    session = models.ForeignKey(
        Session, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("session")
    )
    category = models.ForeignKey(
        Category,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    unit = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handling unit"),
    )
    delegation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("delegation"),
    )
    result = models.CharField(_("result category"), max_length=1, blank=True)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    on_time = models.BooleanField(_("replied on time"), default=True)
    answered_on = models.DateField(_("answered"), null=True, blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-pk"]
        indexes = [
            # The public list's order (newest publication first) and its filters.
            models.Index(fields=["public", "-published_at", "-id"], name="pub_public_order"),
            models.Index(fields=["public", "year", "session"], name="pub_public_year"),
            models.Index(
                fields=["public", "unit", "result", "rating", "on_time"], name="pub_public_unit"
            ),
            models.Index(fields=["public", "category"], name="pub_public_category"),
            models.Index(fields=["public", "delegation"], name="pub_public_delegation"),
            # The staff queue: what is due first.
            models.Index(fields=["jurisdiction", "state", "due", "id"], name="pub_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(state="published") & Q(public=1) & Q(published_at__isnull=False))
                | (~Q(state="published") & Q(public=0)),
                name="pub_public_iff_published",
            ),
            models.CheckConstraint(
                condition=~(Q(confidential=True) & Q(state="published")),
                name="pub_never_confidential",
            ),
        ]

    def __str__(self) -> str:
        return str(self.suggestion)

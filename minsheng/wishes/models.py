"""Micro-wishes (微心愿, DOMAIN.md §7): a community posts a small need of one person, staff
verify it, a deputy, a unit or a committee member claims it, fulfils it with evidence, and the
community confirms. A wish shares nothing with ledger items.

The wisher's name, phone and address are private (`PRIVATE_FIELDS`): they never reach the
public wall, its API, a feed or an export; `permissions.can_see_private` says who sees them.
Every change is one event in the shared hash-chained log (`minsheng.audit`); the actions are
declared once in `actions.py` on the shared engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minsheng.people.models import Jurisdiction, Organisation

if TYPE_CHECKING:
    from minsheng.people.permissions import Person

PUBLIC = ["verified", "claimed", "fulfilled", "confirmed"]  # Wish.PUBLIC_STATES, for Meta
# Never on a public page, feed, export or the public API.
PRIVATE_FIELDS = ("wisher_name", "wisher_phone", "wisher_address")


class WishQuerySet(models.QuerySet["Wish"]):
    def visible_to(self, user: Person) -> WishQuerySet:
        from minsheng.wishes.permissions import wish_filter

        return self.filter(wish_filter(user))

    def public(self) -> WishQuerySet:
        """What the public wish wall shows: verified wishes and later (never posted, rejected
        or withdrawn ones), read from the stored `wall` (indexed with the wall's order)."""
        return self.filter(wall=1)

    def in_default_order(self) -> WishQuerySet:
        """Vulnerable groups first, then the newest."""
        return self.order_by("priority", "-posted_at", "-pk")


class Wish(models.Model):
    class State(models.TextChoices):
        POSTED = "posted", _("Waiting for verification")
        VERIFIED = "verified", _("Open for claiming")
        REJECTED = "rejected", _("Not accepted")
        CLAIMED = "claimed", _("Claimed")
        FULFILLED = "fulfilled", _("Fulfilled")
        CONFIRMED = "confirmed", _("Confirmed by the community")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Group(models.TextChoices):
        ELDERLY_ALONE = "elderly_alone", _("Elderly person living alone")
        LEFT_BEHIND_CHILD = "left_behind_child", _("Left-behind child")
        DISABLED = "disabled", _("Person with a disability")
        LOW_INCOME = "low_income", _("Low-income household")
        OTHER = "other", _("Other")

    class Category(models.TextChoices):
        DAILY = "daily", _("Daily necessities")
        STUDY = "study", _("Study supplies")
        HEALTH = "health", _("Health and rehabilitation")
        REPAIR = "repair", _("Home repair")
        SERVICE = "service", _("Care and companionship")
        OTHER = "other", _("Other")

    PUBLIC_STATES = (State.VERIFIED, State.CLAIMED, State.FULFILLED, State.CONFIRMED)
    CLAIMED_STATES = (State.CLAIMED, State.FULFILLED, State.CONFIRMED)
    OPEN_STATES = (State.POSTED, State.VERIFIED, State.CLAIMED)
    VULNERABLE = (
        Group.ELDERLY_ALONE,
        Group.LEFT_BEHIND_CHILD,
        Group.DISABLED,
        Group.LOW_INCOME,
    )

    jurisdiction = models.ForeignKey(
        Jurisdiction, models.CASCADE, related_name="wishes", verbose_name=_("jurisdiction")
    )
    community = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="wishes",
        limit_choices_to={"kind": Organisation.Kind.COMMUNITY},
        verbose_name=_("community"),
    )
    title = models.CharField(_("what is needed"), max_length=100)
    description = models.TextField(_("details"), blank=True)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    group = models.CharField(_("group"), max_length=20, choices=Group.choices)
    # 0 for the vulnerable groups, 1 for the others: the default order's first key (stored, so
    # the wall's sort is an index scan).
    priority = models.PositiveSmallIntegerField(default=1, editable=False)
    # 1 on the public wall (state in PUBLIC_STATES), else 0: stored with every state change so
    # the wall's filter and order are one index (`wish_wall_order`). An integer, not a boolean:
    # Django writes a boolean filter as a bare column, which SQLite cannot search an index by.
    wall = models.PositiveSmallIntegerField(default=0, editable=False)
    # Private: see PRIVATE_FIELDS.
    wisher_name = models.CharField(_("wisher's name"), max_length=50)
    wisher_phone = models.CharField(_("wisher's phone"), max_length=30, blank=True)
    wisher_address = models.CharField(_("wisher's address"), max_length=200, blank=True)

    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.POSTED, db_index=True
    )
    version = models.PositiveIntegerField(default=0)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("posted by")
    )
    posted_at = models.DateTimeField(_("posted"), auto_now_add=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="claimed_wishes",
        verbose_name=_("claimed by"),
    )
    # Who claimed it, as the public wall names them (a deputy by name, a unit or a committee
    # by its name), fixed at the claim.
    claimant_name = models.CharField(_("claimant"), max_length=120, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled"), null=True, blank=True)
    fulfilment_note = models.TextField(_("how it was fulfilled"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    events = GenericRelation(
        "audit.Event", content_type_field="subject_type", object_id_field="subject_id"
    )

    objects = WishQuerySet.as_manager()

    class Meta:
        verbose_name = _("micro-wish")
        verbose_name_plural = _("micro-wishes")
        ordering = ["priority", "-posted_at", "-pk"]
        indexes = [
            # The wall's order (most wishes are public: its first page is the index's start).
            models.Index(fields=["wall", "priority", "-posted_at", "-id"], name="wish_wall_order"),
            models.Index(fields=["community", "state"], name="wish_community_state"),
            models.Index(fields=["claimed_by", "state"], name="wish_claimant_state"),
            # The wall's totals per area and per claimant, read from the indexes alone.
            models.Index(fields=["wall", "community", "state"], name="wish_area_totals"),
            models.Index(fields=["state", "claimant_name"], name="wish_claimant_totals"),
            # The staff's queue to verify (one state of their congresses, in the default
            # order): its count and its first page from the index alone.
            models.Index(
                fields=["state", "jurisdiction", "priority", "-posted_at", "-id"],
                name="wish_queue_order",
            ),
        ]
        constraints = [
            # Exactly one claimant from the claim on; none before it.
            models.CheckConstraint(
                condition=(
                    Q(state__in=["claimed", "fulfilled", "confirmed"]) & Q(claimed_by__isnull=False)
                )
                | (
                    ~Q(state__in=["claimed", "fulfilled", "confirmed"]) & Q(claimed_by__isnull=True)
                ),
                name="wish_claimant_iff_claimed",
            ),
            models.CheckConstraint(condition=Q(priority__in=[0, 1]), name="wish_priority_known"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        # The stored derivations follow their sources, also when only those are saved.
        self.priority = 0 if self.group in self.VULNERABLE else 1
        self.wall = 1 if self.state in self.PUBLIC_STATES else 0
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = {"priority"} if "group" in update_fields else set()  # type: ignore[operator]
            if "state" in update_fields:  # type: ignore[operator]
                extra.add("wall")
            kwargs["update_fields"] = [*update_fields, *sorted(extra)]  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_vulnerable(self) -> bool:
        return self.priority == 0


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"wishes/{instance.wish_id}/{filename}"


class Evidence(models.Model):
    """A photo or file showing a wish fulfilled. Checked by content as every upload is
    (`suggestions.attachments`); seen only by who may see the wish's private fields."""

    wish = models.ForeignKey(Wish, models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence of fulfilment")
        verbose_name_plural = _("evidence of fulfilment")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name

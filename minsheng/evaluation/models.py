"""Scoring schemes (评价办法), versioned, and the scheme each year uses.

A scheme is one row per version: its style (points or gates) and its indicators as data
(`definition`, checked by `scoring.check`). Editing a scheme never changes a version that was
used: `schemes.revise` writes the next version beside it, and each year names the one version
it is scored by (`YearScheme`), so last year's ranking stays what it was.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.evaluation import scoring
from minsheng.people.models import Jurisdiction


class Scheme(models.Model):
    class Style(models.TextChoices):
        POINTS = scoring.POINTS, _("Points (weighted)")
        GATES = scoring.GATES, _("Gates (good / pass / fail)")

    jurisdiction = models.ForeignKey(
        Jurisdiction, models.CASCADE, related_name="+", verbose_name=_("jurisdiction")
    )
    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=100)
    style = models.CharField(_("style"), max_length=10, choices=Style.choices)
    definition = models.JSONField(_("indicators"), default=dict)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        ordering = ["jurisdiction", "code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "code", "version"], name="scheme_one_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def clean(self) -> None:
        super().clean()
        from minsheng.evaluation.indicators import INDICATORS

        try:
            scoring.check(self.style, self.definition or {}, INDICATORS)
        except scoring.SchemeError as error:
            raise ValidationError({"definition": str(error)}) from None

    @property
    def indicator_keys(self) -> list[str]:
        return scoring.indicator_keys(self.style, self.definition)

    def as_data(self) -> dict[str, Any]:
        return {"code": self.code, "version": self.version, "style": self.style}


class YearScheme(models.Model):
    """The one scheme version a year's scores use."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, models.CASCADE, related_name="+", verbose_name=_("jurisdiction")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    scheme = models.ForeignKey(
        Scheme, models.PROTECT, related_name="years", verbose_name=_("scheme version")
    )

    class Meta:
        verbose_name = _("scheme of a year")
        verbose_name_plural = _("schemes of the years")
        ordering = ["jurisdiction", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year"], name="year_one_scheme"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.scheme}"

    def clean(self) -> None:
        super().clean()
        if (
            self.scheme_id
            and self.jurisdiction_id
            and (self.scheme.jurisdiction_id != self.jurisdiction_id)
        ):
            raise ValidationError({"scheme": _("The scheme belongs to another congress.")})


from minsheng.evaluation.models_campaign import *  # noqa: E402, F403

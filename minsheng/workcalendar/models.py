"""What administrators enter of the official calendar (DOMAIN.md §4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """An administrator-entered day for a year the calendar package does not know (or a
    correction): a holiday, or a swapped working weekend day (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_workday else '休'}"


class CalendarYear(models.Model):
    """A year whose holidays and swapped days have all been entered, so deadlines in it are no
    longer flagged as uncertain."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    note = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("entered calendar year")
        verbose_name_plural = _("entered calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)

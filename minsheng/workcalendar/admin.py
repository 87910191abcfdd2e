"""Administration of the working-day calendar: entered days and complete years.

Every save and delete is attributed to the administrator, so whoever listens to
`calendar_changed` (the suggestions' recompute) can log who caused it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minsheng.lib.workdays import PACKAGE_YEARS
from minsheng.workcalendar import signals
from minsheng.workcalendar.models import CalendarDay, CalendarYear


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = sorted({d.year for d in CalendarDay.objects.dates("date", "year")}, reverse=True)
        return [(str(y), str(y)) for y in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


class CalendarChangeMixin:
    """Calendar edits are attributed to the administrator in the recompute log."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with signals.acting(request.user):
            super().save_model(request, obj, form, change)  # type: ignore[misc]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with signals.acting(request.user):
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with signals.acting(request.user):
            for obj in queryset:
                obj.delete()


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "is_workday", "note"]
        help_texts = {
            "date": _("A public holiday, or a weekend day that is a working day (调休)."),
            "is_workday": _("Tick for a swapped working day (补班); leave empty for a day off."),
            "note": _("For example 春节 or 国庆节调休上班."),
        }


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarChangeMixin, admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ["date", "weekday", "is_workday", "note", "year_complete"]
    list_filter = [YearFilter, "is_workday"]
    search_fields = ["note"]
    ordering = ["date"]
    date_hierarchy = "date"

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return "一二三四五六日"[obj.date.weekday()]

    @admin.display(description=_("year complete"), boolean=True)
    def year_complete(self, obj: CalendarDay) -> bool:
        year = obj.date.year
        return year in PACKAGE_YEARS or CalendarYear.objects.filter(year=year).exists()


class CalendarYearForm(forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "note"]
        help_texts = {
            "year": _(
                "Declare a year complete only after entering all its holidays and swapped "
                "working days: from then on deadlines in it are no longer flagged as uncertain."
            ),
            "note": _("Where the arrangement comes from, e.g. the State Council notice."),
        }

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(gettext("Enter a year between 2000 and 2100."))
        if (
            year not in PACKAGE_YEARS
            and not CalendarDay.objects.filter(date__year=year, is_workday=False).exists()
        ):
            raise forms.ValidationError(
                gettext(
                    "No holidays of %(year)s have been entered yet. Enter the year's holidays "
                    "and swapped working days first."
                )
                % {"year": year}
            )
        return year


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarChangeMixin, admin.ModelAdmin):
    form = CalendarYearForm
    list_display = ["year", "note", "holidays", "working_days"]
    list_filter = ["year"]
    ordering = ["-year"]

    @admin.display(description=_("days off entered"))
    def holidays(self, obj: CalendarYear) -> int:
        return CalendarDay.objects.filter(date__year=obj.year, is_workday=False).count()

    @admin.display(description=_("swapped working days entered"))
    def working_days(self, obj: CalendarYear) -> int:
        return CalendarDay.objects.filter(date__year=obj.year, is_workday=True).count()

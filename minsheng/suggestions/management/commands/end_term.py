"""`minsheng end_term`: at the end of a term, carry over or close every open suggestion of it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minsheng.audit.models import Event
from minsheng.people import permissions as people
from minsheng.people.models import Jurisdiction, Term, User
from minsheng.suggestions import workflow
from minsheng.suggestions.models import Suggestion


class Command(BaseCommand):
    help = (
        "At the end of a term, apply one explicit rule to every open suggestion of that term: "
        "carry it over into the next term (it stays open and keeps its number and clock) or "
        "close it. Each item is logged with the note. Idempotent: items already carried over "
        "for this term are skipped, closed items are no longer open. Use --dry-run first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--jurisdiction", required=True, metavar="CODE", help="The jurisdiction's code."
        )
        parser.add_argument(
            "--term", required=True, type=int, metavar="N", help="The term number, e.g. 14."
        )
        parser.add_argument(
            "--rule",
            required=True,
            choices=[workflow.TermEndRule.CARRY_OVER, workflow.TermEndRule.CLOSE],
            help="carry_over: keep them open in the next term; close: close them.",
        )
        parser.add_argument(
            "--by",
            required=True,
            metavar="USERNAME",
            help="The congress staff member deciding (recorded on each item).",
        )
        parser.add_argument(
            "--note",
            required=True,
            help="Under which decision or rule this is done (recorded on each item).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only report what would be done."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        jurisdiction = Jurisdiction.objects.filter(code=options["jurisdiction"]).first()
        if jurisdiction is None:
            raise CommandError(
                _("No jurisdiction has the code “%(code)s”.") % {"code": options["jurisdiction"]}
            )
        term = Term.objects.filter(jurisdiction=jurisdiction, number=options["term"]).first()
        if term is None:
            raise CommandError(
                _("%(jurisdiction)s has no term %(number)s.")
                % {"jurisdiction": jurisdiction, "number": options["term"]}
            )
        user = User.objects.filter(username=options["by"], is_active=True).first()
        if user is None or not people.is_staff_of(user, jurisdiction.pk):
            raise CommandError(
                _("--by must name an active congress staff member of %(jurisdiction)s.")
                % {"jurisdiction": jurisdiction}
            )
        note = options["note"].strip()
        if not note:
            raise CommandError(_("--note may not be empty."))
        self.apply(term, user, options["rule"], note, dry_run=options["dry_run"])

    def apply(self, term: Term, user: User, rule: str, note: str, *, dry_run: bool) -> None:
        open_states = workflow.TRANSITIONS["end_of_term"].sources
        items = Suggestion.objects.filter(
            jurisdiction_id=term.jurisdiction_id, session__term=term, state__in=open_states
        ).order_by("session__number", "series", "number", "pk")
        done_before = set()
        if rule == workflow.TermEndRule.CARRY_OVER:
            done_before = set(
                Event.objects.filter(
                    suggestion__in=items,
                    action="end_of_term",
                    data__term=term.pk,
                    data__rule=rule,
                ).values_list("subject_id", flat=True)
            )
        by_state: Counter[str] = Counter()
        applied = skipped = failed = 0
        for s in items:
            if s.pk in done_before:
                skipped += 1
                continue
            by_state[s.state] += 1
            if dry_run:
                applied += 1
                continue
            try:
                workflow.end_of_term(s, by=user, rule=rule, note=note)
            except workflow.WorkflowError as exc:
                failed += 1
                self.stderr.write(f"{s.display_number or s.pk} {s.title}: {exc.message}")
            else:
                applied += 1
        self.report(term, rule, dry_run, by_state, applied, skipped, failed)

    def report(
        self,
        term: Term,
        rule: str,
        dry_run: bool,
        by_state: Counter[str],
        applied: int,
        skipped: int,
        failed: int,
    ) -> None:
        labels = dict(Suggestion.State.choices)
        for state, count in sorted(by_state.items()):
            self.stdout.write(f"  {labels.get(state, state)}: {count}")
        values = {"term": term, "count": applied}
        if dry_run:
            message = (
                _("Dry run for %(term)s: %(count)s open suggestions would be carried over.")
                if rule == workflow.TermEndRule.CARRY_OVER
                else _("Dry run for %(term)s: %(count)s open suggestions would be closed.")
            )
        else:
            message = (
                _("%(term)s: %(count)s open suggestions carried over.")
                if rule == workflow.TermEndRule.CARRY_OVER
                else _("%(term)s: %(count)s open suggestions closed.")
            )
        self.stdout.write(message % values)
        if skipped:
            self.stdout.write(
                _("%(count)s already carried over before were skipped.") % {"count": skipped}
            )
        if failed:
            raise CommandError(
                _("%(count)s suggestions could not be processed (see above).") % {"count": failed}
            )

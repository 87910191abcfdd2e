"""`minsheng audit verify|seal|head`: check the event chain, seal what awaits it, print the head.

`verify` exits 0 with the count when every link holds and 1 naming the first broken link;
it writes nothing. `head` prints the head's seq and hash for anchoring outside the database
(docs/audit.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minsheng.audit import log
from minsheng.audit.verify import verify


class Command(BaseCommand):
    help = "The event log's hash chain: verify it, seal new events into it, print its head."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        check = sub.add_parser(
            "verify", help="Walk the chain; exit 1 naming the first broken link."
        )
        check.add_argument(
            "--anchor",
            nargs=2,
            metavar=("SEQ", "HASH"),
            help="A head kept elsewhere (the output of `audit head`): its row must still match.",
        )
        sub.add_parser("seal", help="Chain the committed events that are not sealed yet.")
        sub.add_parser("head", help="Print the chain head (seq and hash) to keep elsewhere.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.do_verify(options.get("anchor"))
        else:
            getattr(self, f"do_{options['subcommand']}")()

    def do_verify(self, anchor: list[str] | None) -> None:
        kept = None
        if anchor:
            if not anchor[0].isdigit():
                raise CommandError(_("--anchor takes the seq and hash printed by `audit head`."))
            kept = (int(anchor[0]), anchor[1])
        report = verify(kept)
        if report.problem is not None:
            raise CommandError(_("Chain broken. %(problem)s") % {"problem": report.problem})
        self.stdout.write(
            _(
                "Chain intact: %(sealed)s events verified, %(unsealed)s awaiting their seal. "
                "Head: seq %(seq)s, hash %(hash)s."
            )
            % {
                "sealed": report.sealed,
                "unsealed": report.unsealed,
                "seq": report.head_seq,
                "hash": report.head_hash,
            }
        )

    def do_seal(self) -> None:
        self.stdout.write(_("Sealed %(count)s events.") % {"count": log.seal()})

    def do_head(self) -> None:
        head = log.head()
        if head is None:
            raise CommandError(_("Head mismatch: the chain head row is missing."))
        self.stdout.write(f"{head.seq} {head.hash}")

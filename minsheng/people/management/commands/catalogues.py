"""Compile and check the translation catalogues without GNU gettext.

`--compile` writes each locale/*/LC_MESSAGES/django.mo from its .po (pure Python, via polib),
so a fresh machine with only Python and pip gets translated pages. `--check` fails when an
entry is untranslated or fuzzy, or when a .po does not parse."""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


def catalogues() -> list[Path]:
    found: list[Path] = []
    for root in settings.LOCALE_PATHS:
        found.extend(sorted(Path(root).glob("*/LC_MESSAGES/*.po")))
    return found


def problems(path: Path) -> list[str]:
    catalogue = polib.pofile(str(path))
    found = []
    check_translated = not path.parts[-3].startswith("en")
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            found.append(f"{path}: fuzzy: {entry.msgid!r}")
        elif check_translated and not entry.translated():
            found.append(f"{path}: untranslated: {entry.msgid!r}")
    return found


class Command(BaseCommand):
    help = "Compile (--compile) or check (--check) the translation catalogues."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--compile", action="store_true")
        parser.add_argument("--check", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        paths = catalogues()
        if options["check"]:
            found = [p for path in paths for p in problems(path)]
            if found:
                raise CommandError("Incomplete catalogues:\n" + "\n".join(found))
            self.stdout.write(f"{len(paths)} catalogue(s) complete.")
        if options["compile"]:
            for path in paths:
                mo = path.with_suffix(".mo")
                if mo.exists() and mo.stat().st_mtime >= path.stat().st_mtime:
                    continue
                polib.pofile(str(path)).save_as_mofile(str(mo))

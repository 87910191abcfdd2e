"""Files sent as attachments: a filename that is always a valid header, and never a shared cache.

Filenames are built from stored text (a unit's name, a suggestion's number); a line break in one
would make Django refuse the header (`BadHeaderError`, a 500), a slash would make a browser
propose a folder. `safe_filename` cleans them; `attachment` sets the headers every generated
document carries (they hold deputies' names and unpublished text).
"""

from __future__ import annotations

import re

from django.http import HttpResponseBase
from django.utils.http import content_disposition_header

from minsheng.lib.text import clean_text

__all__ = ["attachment", "safe_filename"]

# Line breaks and tabs become spaces; characters Windows or macOS refuse in a name are replaced.
_SPACES = re.compile(r"\s+")
_RESERVED = re.compile(r'[\\/:*?"<>|]')
MAX_FILENAME_CHARS = 150


def safe_filename(name: str, fallback: str = "download") -> str:
    """`name` as a filename any browser and file system accepts; the extension is kept."""
    text = _RESERVED.sub("_", _SPACES.sub(" ", clean_text(name))).strip(" .")
    if len(text) > MAX_FILENAME_CHARS:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 5:
            text = stem[: MAX_FILENAME_CHARS - len(ext) - 1] + "." + ext
        else:
            text = text[:MAX_FILENAME_CHARS]
    return text or fallback


def attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    response["Content-Disposition"] = content_disposition_header(True, safe_filename(filename))
    # Generated documents carry deputies' names and unpublished text: no shared caches.
    response["Cache-Control"] = "private, no-store"
    return response

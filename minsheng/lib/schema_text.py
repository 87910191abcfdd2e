"""Text and ids as the API accepts them (pydantic types shared by every app's API bodies).

The API refuses control characters instead of dropping them (a program sent them: it should
hear about it, and NUL would reach PostgreSQL); line breaks (CRLF, CR, Word's vertical tab)
become LF. See `minsheng.lib.text`.
"""

from __future__ import annotations

from typing import Annotated

from django.utils.translation import gettext
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from minsheng.lib.text import clean_text, forbidden_characters

__all__ = ["CleanStr", "Id", "Line", "Text"]


def _acceptable_text(value: str) -> str:
    found = forbidden_characters(value)
    if found:
        raise PydanticCustomError(
            "forbidden_characters",
            gettext(
                "The text contains control characters that are not allowed: {characters}. "
                "Only tab and newline are accepted."
            ),
            {"characters": ", ".join(found)},
        )
    return clean_text(value)


# Every text that comes in through the API.
CleanStr = Annotated[str, AfterValidator(_acceptable_text)]
Text = Annotated[CleanStr, Field(max_length=20000)]
Line = Annotated[CleanStr, Field(max_length=200)]
# Ids beyond a 64-bit integer would crash the database driver rather than simply not match.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]

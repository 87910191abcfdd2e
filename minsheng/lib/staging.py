"""An uploaded file waiting for its confirmation (an import's dry run, then its commit): kept
under MEDIA_ROOT/imports by a random token that only the uploader's session knows, removed once
confirmed or cancelled, and after a day when nobody confirmed it."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest

MAX_AGE = 24 * 3600  # seconds an uploaded file waits for its confirmation


def _directory() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _clean_old() -> None:
    cutoff = time.time() - MAX_AGE
    for old in _directory().glob("*.xlsx"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            continue


@dataclass(frozen=True)
class UploadStage:
    """The uploads of one import page, remembered in the session under `session_key`."""

    session_key: str
    keep: int = 10  # only the last few uploads can be confirmed (the session stays small)

    def store(self, request: HttpRequest, data: bytes, name: str) -> str:
        _clean_old()
        token = secrets.token_urlsafe(24)
        (_directory() / f"{token}.xlsx").write_bytes(data)
        stored = dict(request.session.get(self.session_key, {}))
        stored[token] = {"name": name[:200]}
        request.session[self.session_key] = dict(list(stored.items())[-self.keep :])
        return token

    def load(self, request: HttpRequest, token: str) -> tuple[bytes, str] | None:
        stored = request.session.get(self.session_key, {})
        if token not in stored:
            return None
        path = _directory() / f"{token}.xlsx"
        if not path.exists():
            return None
        return path.read_bytes(), str(stored[token].get("name", ""))

    def forget(self, request: HttpRequest, token: str) -> None:
        stored = dict(request.session.get(self.session_key, {}))
        stored.pop(token, None)
        request.session[self.session_key] = stored
        (_directory() / f"{token}.xlsx").unlink(missing_ok=True)

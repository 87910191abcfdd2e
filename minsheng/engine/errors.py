"""The errors an action raises. Each carries the HTTP status the API answers, so pages and the
API report a refusal the same way (403 not allowed, 409 not now, 422 bad input)."""

from __future__ import annotations


class WorkflowError(Exception):
    """Base of the errors an action raises; `status` is the HTTP status the API answers."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(WorkflowError):
    """The person may not take this action (403)."""

    status = 403


class Conflict(WorkflowError):
    """Not allowed in the current state, past its window, or someone acted first (409)."""

    status = 409


class Invalid(WorkflowError):
    """The input is not acceptable (422)."""

    status = 422

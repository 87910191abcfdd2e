"""One POST endpoint per declared action of a registry (`minsheng.engine.actions.Registry`).

The suggestions API and the supervision API build their action endpoints the same way: each
declared action gets its own path, operation id and body (`<Action>In`, from the declaration's
inputs through `minsheng.engine.inputs.body_model`), and every call runs the same steps:

1. read the record through the access-checked getter (404 when the caller may not see it);
2. refuse with 403 a caller whose capacities do not include the action's `who`, before the
   body's references are resolved (someone who may not act learns nothing from being told
   which ids are wrong);
3. resolve the body's ids through the options the page offers (`inputs.from_api`, 422);
4. call the action's typed function, whose runner checks state, version and rules (409, 422);
5. answer the updated record.

`ActionRoutes.offered()` lists what the caller may do now, with each body's fields, for the
"what may I do" endpoints.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Header, Router
from ninja.errors import HttpError

from minsheng.api.schemas import ERRORS
from minsheng.engine import inputs
from minsheng.engine.actions import Registry
from minsheng.engine.errors import Invalid, NotAllowed
from minsheng.people.models import User

IDEMPOTENCY_KEY_DOC = (
    "Optional, 1-64 visible ASCII characters (a UUID will do). A retry with the same key "
    "answers as the first request did and creates no second {what}; the same key with a "
    "different body is refused (422)."
)


def key_reused() -> Invalid:
    from django.utils.translation import gettext as _

    return Invalid(_("This Idempotency-Key was already used for a different request."))


def request_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # both authenticators only let real users in
    return user


@dataclass
class ActionRoutes:
    """The action endpoints of one registry, mounted on one router.

    `path` and `operation_id` are formats with `{name}` (the action) and, in `path`, the
    record's path parameter written as `{{int:<param>}}`."""

    registry: Registry[Any]
    typed: Mapping[str, Callable[..., Any]]
    get: Callable[[User, int], Any]  # the access-checked read (Http404 when not visible)
    answer: Callable[[User, int], Any]  # what a done action answers (the updated record)
    answer_schema: Any
    mount: str  # where the router is mounted: "/suggestions"
    param: str  # the record's path parameter: "suggestion_id"
    path: str  # "/{{int:suggestion_id}}/actions/{name}"
    operation_id: str  # "suggestion_action_{name}"
    tag: str
    refused: Callable[[], str]  # the 403's words: "You may not do this on this suggestion."
    describe: Callable[[str], str]  # the operation's description, per action
    base: type[Any]  # the body's base model (with or without `expected_version`)
    body_prefix: str = ""  # the bodies' names: `<body_prefix><Action>In`
    # Actions that create a record (a supervision record, an instruction): their endpoints
    # take an optional `Idempotency-Key`, so a retried POST does not record it twice.
    idempotent: Mapping[str, str] = field(default_factory=dict)  # action → what it creates
    bodies: dict[str, type[Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.bodies = {
            name: inputs.body_model(action, self.base, self.body_prefix)
            for name, action in self.registry.actions.items()
        }
        assert set(self.bodies) == set(self.typed), (set(self.bodies), set(self.typed))

    # -- running one --

    def run(self, user: User, pk: int, name: str, payload: Any) -> Any:
        self.act(user, pk, name, payload)
        return self.answer(user, pk)

    def act(self, user: User, pk: int, name: str, payload: Any) -> Any:
        """Steps 1-4; what the action's function returned (the row it made, for a create)."""
        obj = self.get(user, pk)
        declared = self.registry[name]
        if not self.registry.capacities(user, obj) & declared.who:
            raise NotAllowed(self.refused())
        attempt = self.registry.attempt(name, obj, user)
        kwargs = inputs.from_api(declared, payload, attempt)
        if self.registry.versioned:
            kwargs["expected_version"] = payload.expected_version
        return self.typed[name](obj, by=user, **kwargs)

    def run_once(
        self, user: User, pk: int, name: str, payload: Any, key: str, response: HttpResponse
    ) -> Any:
        """`run` under an Idempotency-Key (`minsheng.suggestions.idempotency.once`): a retry,
        even one racing the first, creates nothing and answers the record as it is now. The
        key is bound to this action of this registry and to this record and body."""
        from minsheng.suggestions import idempotency

        try:
            _made, replayed = idempotency.once(
                user,
                f"{self.mount.strip('/')}.{name}",
                key,
                {"id": pk, "body": payload.model_dump(mode="json")},
                lambda: self.act(user, pk, name, payload),
            )
        except idempotency.KeyReused:
            raise key_reused() from None
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return self.answer(user, pk)

    # -- the endpoints --

    def add_to(self, router: Router, responses: Mapping[int, Any] | None = None) -> None:
        for name, body in self.bodies.items():
            self._add(router, name, body, responses or {200: self.answer_schema, **ERRORS})

    def _add(
        self, router: Router, name: str, body: type[Any], responses: Mapping[int, Any]
    ) -> None:
        # When nothing in the body is required, an empty request body is fine too.
        needs_body = any(f.is_required() for f in body.model_fields.values())
        routes = self

        creates = self.idempotent.get(name)

        def endpoint(request: HttpRequest, **values: Any) -> Any:
            payload = values["payload"]
            if payload is None:
                payload = body.model_validate({})
            user, pk = request_user(request), values[routes.param]
            key = values.get("idempotency_key")
            if key is None:
                return routes.run(user, pk, name, payload)
            return routes.run_once(user, pk, name, payload, key, values["response"])

        # django-ninja reads the parameters from the signature: the record's id and the body
        # (and, for an action that creates a record, the Idempotency-Key header).
        parameters = [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter(self.param, inspect.Parameter.KEYWORD_ONLY, annotation=int),
            inspect.Parameter(
                "payload",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=body if needs_body else body | None,
                **({} if needs_body else {"default": None}),
            ),
        ]
        if creates is not None:
            from minsheng.suggestions.idempotency import API_KEY_PATTERN

            parameters += [
                inspect.Parameter(
                    "response", inspect.Parameter.KEYWORD_ONLY, annotation=HttpResponse
                ),
                inspect.Parameter(
                    "idempotency_key",
                    inspect.Parameter.KEYWORD_ONLY,
                    annotation=str | None,
                    default=Header(
                        None,
                        alias="Idempotency-Key",
                        pattern=API_KEY_PATTERN,
                        description=IDEMPOTENCY_KEY_DOC.format(what=creates),
                    ),
                ),
            ]
        endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        endpoint.__name__ = f"action_{name}"
        router.post(
            self.path.format(name=name),
            response=dict(responses),
            summary=self.registry[name].summary,
            description=self.describe(name),
            operation_id=self.operation_id.format(name=name),
            tags=[self.tag],
        )(endpoint)

    def unknown(self, action: str) -> HttpError:
        from django.utils.translation import gettext as _

        return HttpError(
            404,
            _("There is no action “%(action)s”. Actions: %(known)s.")
            % {"action": action, "known": ", ".join(self.bodies)},
        )

    # -- what the caller may do now --

    def fields(self, name: str) -> list[dict[str, Any]]:
        body: Any = self.bodies[name]
        return body_fields(body)

    def offered(self, user: User, obj: Any, names: list[str] | None = None) -> list[dict[str, Any]]:
        """The actions the caller may take now, each with its endpoint and body."""
        return [
            {
                "name": name,
                "label": str(self.registry[name].label),
                "method": "POST",
                "path": self.url(obj.pk, name),
                "fields": self.fields(name),
                "problems": self.registry.problems(name, user, obj),
            }
            for name in (self.registry.offered(user, obj) if names is None else names)
        ]

    def url(self, pk: int, name: str) -> str:
        route = self.path.format(name=name).replace(f"{{int:{self.param}}}", str(pk))
        return f"/api/v1{self.mount}{route}"


@functools.cache
def body_fields(body: Any) -> list[dict[str, Any]]:
    """The body an action expects, as a flat list of fields (from its JSON schema)."""
    schema = body.model_json_schema()
    return _fields(schema, schema.get("$defs", {}))


def _deref(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = prop.get("$ref")
    return (
        {**defs[ref.rsplit("/", 1)[-1]], **{k: v for k, v in prop.items() if k != "$ref"}}
        if ref
        else prop
    )


def _fields(schema: dict[str, Any], defs: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", ()))
    return [
        _field(name, prop, name in required, defs)
        for name, prop in schema.get("properties", {}).items()
    ]


def _field(name: str, prop: dict[str, Any], required: bool, defs: dict[str, Any]) -> dict[str, Any]:
    options = [_deref(p, defs) for p in prop.get("anyOf", [prop])]
    options = [p for p in options if p.get("type") != "null"] or options
    first = _deref(options[0], defs)
    kind = "date" if first.get("format") == "date" else first.get("type", "string")
    choices: list[str] = []
    for option in options:
        choices += option.get("enum", [])
        if "const" in option:
            choices.append(option["const"])
    out: dict[str, Any] = {
        "name": name,
        "type": kind,
        "required": required,
        "choices": choices or None,
        "description": prop.get("description"),
        "items": None,
    }
    if kind == "array" and "items" in first:
        item = _deref(first["items"], defs)
        if item.get("type") == "object":
            out["items"] = _fields(item, defs)
    return out

"""Micro-wishes in each state, reached through the real workflow (for the wish tests, the access
matrix and the races). The shared cast has no community worker: `community()` adds one (and a
community) to it, once."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from minsheng.people.models import Organisation, Role, User
from minsheng.suggestions import attachments
from minsheng.wishes import workflow
from minsheng.wishes.models import Wish
from tests.factories import OrganisationFactory, RoleFactory, UserFactory

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def community(cast: Any) -> tuple[Organisation, User]:
    """The cast's community (幸福里社区) and its worker (username `community`)."""
    org = Organisation.objects.filter(
        jurisdiction=cast.jurisdiction, kind=Organisation.Kind.COMMUNITY, name="幸福里社区"
    ).first()
    if org is None:
        org = OrganisationFactory(
            jurisdiction=cast.jurisdiction,
            name="幸福里社区",
            kind=Organisation.Kind.COMMUNITY,
            is_handling_unit=False,
        )
    worker = User.objects.filter(username="community").first()
    if worker is None:
        worker = UserFactory(username="community", jurisdiction=cast.jurisdiction)
        RoleFactory(
            user=worker, kind=Role.Kind.COMMUNITY, jurisdiction=cast.jurisdiction, organisation=org
        )
    return org, worker


def evidence(name: str = "送达.png") -> list[tuple[Any, Any]]:
    upload = SimpleUploadedFile(name, PNG)
    kind = attachments.sniff(io.BytesIO(PNG), name)
    assert kind is not None
    return [(upload, kind)]


def posted(cast: Any, **kw: Any) -> Wish:
    org, worker = community(cast)
    values = {
        "title": "一台助行器",
        "category": Wish.Category.HEALTH,
        "group": Wish.Group.ELDERLY_ALONE,
        "wisher_name": "王秀英",
        "wisher_phone": "13912345678",
        "wisher_address": "幸福里小区3栋2单元101",
        **kw,
    }
    return workflow.post(by=worker, community=org, **values)


def verified(cast: Any, **kw: Any) -> Wish:
    return workflow.verify(posted(cast, **kw), by=cast.staff)


def claimed(cast: Any, *, by: Any = None, **kw: Any) -> Wish:
    return workflow.claim(verified(cast, **kw), by=by or cast.deputy)


def fulfilled(cast: Any, *, by: Any = None, **kw: Any) -> Wish:
    claimant = by or cast.deputy
    wish = claimed(cast, by=claimant, **kw)
    return workflow.fulfil(wish, by=claimant, note="已送到老人家中。", evidence=evidence())


def confirmed(cast: Any, **kw: Any) -> Wish:
    wish = fulfilled(cast, **kw)
    _org, worker = community(cast)
    return workflow.confirm(wish, by=worker)


def rejected(cast: Any, **kw: Any) -> Wish:
    return workflow.reject(posted(cast, **kw), by=cast.staff, reason="不属于微心愿范围")

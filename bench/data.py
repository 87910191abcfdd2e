"""The benchmark's own data: the small demo (people, units, categories) plus N generated
suggestions spread the way a province's are (states, units, deputies, categories, dates).

Rows are bulk-inserted in a given state: benchmark data, not a state-change path (no events, no
replies), so it is quick at 100,000. Deterministic for a seed.
"""

from __future__ import annotations

import datetime
import os
import random
from dataclasses import dataclass

# (state, share); everything from "assigned" on has a lead unit, a fifth also a joint unit.
STATES = [
    ("submitted", 0.05),
    ("registered", 0.05),
    ("assigned", 0.08),
    ("handling", 0.50),
    ("rehandling", 0.04),
    ("answered", 0.16),
    ("closed", 0.10),
    ("draft", 0.02),
]
ASSIGNED_STATE = {
    "assigned": "awaiting_signature",
    "handling": "signed",
    "rehandling": "signed",
    "answered": "replied",
    "closed": "replied",
}
WORDS = [
    "农村公路",
    "义务教育",
    "医疗保障",
    "养老服务",
    "生态保护",
    "乡村振兴",
    "营商环境",
    "城市更新",
]
DEPUTY_SHARE = 0.005  # the demo deputy leads one in 200: a busy deputy's list


@dataclass
class Fixture:
    """What the timed requests need: who asks, and one suggestion to open."""

    sessions: dict[str, str]  # username → session cookie value
    tokens: dict[str, str]  # username → API bearer token
    detail_id: int
    year: int = 0  # the year the evaluation ranking is measured for (this year)
    campaign_id: int = 0  # the demo's evaluation campaign (14 steps, its opinion forms)


def setup(seed: int = 1) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("demo", "--size", "small", "--seed", str(seed), verbosity=0, stdout=quiet)


def state_weights(answered_share: float | None = None) -> tuple[list[str], list[float]]:
    """The states drawn and their weights: the province's spread, or, with answered_share, that
    share answered or closed (as the published site of a long-running congress is) and the
    other states keeping their proportions in the rest."""
    names = [s for s, _share in STATES]
    weights = [share for _s, share in STATES]
    if answered_share is None:
        return names, weights
    done = {"answered", "closed"}
    done_total = sum(w for s, w in STATES if s in done)
    rest_total = sum(w for s, w in STATES if s not in done)
    return names, [
        w * (answered_share / done_total if s in done else (1 - answered_share) / rest_total)
        for s, w in STATES
    ]


def generate(n: int, seed: int = 1, answered_share: float | None = None) -> None:
    """Add n suggestions to the demo province (answered_share: see state_weights)."""
    from django.db import transaction
    from django.db.models import F, Max
    from django.utils import timezone

    from minsheng.people.models import Deputy, Jurisdiction, Organisation, User
    from minsheng.suggestions.models import Assignment, Category, Suggestion

    rng = random.Random(seed)
    province = Jurisdiction.objects.get(code="demo-province")
    session = province.current_session()
    assert session is not None
    deputies = list(Deputy.objects.filter(jurisdiction=province).values_list("pk", "user_id"))
    the_deputy = Deputy.objects.get(user__username="deputy", jurisdiction=province)
    units = list(
        Organisation.objects.handling_units()
        .filter(jurisdiction=province)
        .values_list("pk", flat=True)
    )
    categories = list(
        Category.objects.filter(jurisdiction=province).values_list("pk", flat=True)
    ) or [None]
    staff = User.objects.get(username="staff")
    last = {
        series: Suggestion.objects.filter(session=session, series=series).aggregate(
            m=Max("number")
        )["m"]
        or 0
        for series in ("S", "B")
    }
    names, weights = state_weights(answered_share)
    now = timezone.now()
    first_new = (Suggestion.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    batch = 2000
    with transaction.atomic():
        for offset in range(0, n, batch):
            rows = []
            for _i in range(offset, min(n, offset + batch)):
                state = rng.choices(names, weights)[0]
                if rng.random() < DEPUTY_SHARE:
                    lead, author = the_deputy.pk, the_deputy.user_id
                else:
                    lead, author = rng.choice(deputies)
                between = rng.random() < 0.1
                submitted = now - datetime.timedelta(minutes=rng.randrange(0, 400 * 24 * 60))
                s = Suggestion(
                    jurisdiction=province,
                    session=session,
                    title=f"关于加强{rng.choice(WORDS)}工作的建议",
                    body="建议内容。" * rng.randrange(20, 200),
                    category_id=rng.choice(categories),
                    source="between_sessions" if between else "in_session",
                    lead_deputy_id=lead,
                    created_by_id=author if rng.random() < 0.9 else staff.pk,
                    state=state,
                    is_key=rng.random() < 0.03,
                    is_confidential=rng.random() < 0.02,
                    submitted_at=None if state == "draft" else submitted,
                )
                if state not in ("draft", "submitted"):
                    series = "B" if between else "S"
                    last[series] += 1
                    s.series, s.number = series, last[series]
                    s.registered_at = submitted + datetime.timedelta(days=3)
                if state in ASSIGNED_STATE:
                    s.assigned_on = (submitted + datetime.timedelta(days=10)).date()
                    s.reply_due = s.assigned_on + datetime.timedelta(days=91)
                    s.warn_from = s.reply_due - datetime.timedelta(days=7)
                    s.round = 2 if state == "rehandling" else 1
                if state in ("answered", "closed"):
                    s.answered_at = submitted + datetime.timedelta(days=60)
                if state == "closed":
                    s.closed_at = submitted + datetime.timedelta(days=80)
                rows.append(s)
            created = Suggestion.objects.bulk_create(rows, batch_size=500)
            plans = []
            for s in created:
                if s.state not in ASSIGNED_STATE:
                    continue
                assert s.assigned_on is not None
                picked = rng.sample(units, 2)
                modes = [("lead", picked[0])]
                if rng.random() < 0.2:
                    modes.append(("joint", picked[1]))
                a_state = ASSIGNED_STATE[s.state]
                # The database insists that a signed or replied assignment says when.
                signed_at = (
                    s.registered_at + datetime.timedelta(days=9)
                    if a_state in ("signed", "replied") and s.registered_at
                    else None
                )
                replied_at = s.answered_at if a_state == "replied" else None
                for mode, unit in modes:
                    plans.append(
                        Assignment(
                            suggestion_id=s.pk,
                            unit_id=unit,
                            mode=mode,
                            state=a_state,
                            assigned_on=s.assigned_on,
                            assigned_by=staff,
                            sign_due=s.assigned_on + datetime.timedelta(days=7),
                            adjustment_until=s.assigned_on + datetime.timedelta(days=9),
                            signed_at=signed_at,
                            replied_at=replied_at,
                        )
                    )
            Assignment.objects.bulk_create(plans, batch_size=500)
        # created_at is auto_now_add: give the rows their own submission times back.
        Suggestion.objects.filter(pk__gte=first_new, submitted_at__isnull=False).update(
            created_at=F("submitted_at")
        )


LEDGER_SHARE = 0.1  # ledger items per suggestion: a ledger is smaller than the suggestions
LEDGER_KINDS = [
    ("practical", 0.6),
    ("legislation", 0.08),
    ("inspection", 0.08),
    ("investigation", 0.08),
    ("decision", 0.04),
    ("appointment", 0.04),
    ("other", 0.08),
]


def generate_ledger(n: int, seed: int = 1) -> None:
    """Add n ledger items to the demo province: a list of parents with their sub-items, spread
    over units, kinds, progress and deadlines (the derived columns filled as `refresh` would
    leave them; no events, as for the suggestions)."""
    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone

    from minsheng.ledger.models import LedgerItem
    from minsheng.people.models import Jurisdiction, Organisation, User

    rng = random.Random(seed)
    province = Jurisdiction.objects.get(code="demo-province")
    staff = User.objects.get(username="staff")
    units = list(
        Organisation.objects.handling_units()
        .filter(jurisdiction=province)
        .values_list("pk", flat=True)
    )
    kinds = [k for k, _share in LEDGER_KINDS]
    weights = [share for _k, share in LEDGER_KINDS]
    today = timezone.localdate()
    start = (LedgerItem.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    with transaction.atomic():
        parents = LedgerItem.objects.bulk_create(
            LedgerItem(
                jurisdiction=province,
                kind="practical",
                title=f"{today.year - k}年民生实事",
                year=today.year - k,
                starts_on=datetime.date(today.year - k, 1, 10),
                pace_due=datetime.date(today.year - k, 12, 31),
                owner=staff,
                created_by=staff,
            )
            for k in range(max(1, n // 500))
        )
        rows = []
        for i in range(n):
            begin = today - datetime.timedelta(days=rng.randrange(0, 700))
            progress = rng.choice([0, 0, 10, 25, 40, 60, 80, 95, 100])
            due = (
                None if progress == 100 else begin + datetime.timedelta(days=rng.randrange(20, 400))
            )
            rows.append(
                LedgerItem(
                    jurisdiction=province,
                    parent=rng.choice(parents) if rng.random() < 0.5 else None,
                    kind=rng.choices(kinds, weights)[0],
                    title=f"{rng.choice(WORDS)}项目{start + i}",
                    year=begin.year,
                    starts_on=begin,
                    ends_on=begin + datetime.timedelta(days=330),
                    pace_due=datetime.date(begin.year, 12, 31),
                    responsible_unit_id=rng.choice(units),
                    responsible_person="王强",
                    owner=staff,
                    created_by=staff,
                    state="stopped" if rng.random() < 0.03 else "active",
                    progress=progress,
                    due=due,
                    warn_from=due - datetime.timedelta(days=7) if due else None,
                    reported_on=begin + datetime.timedelta(days=10) if progress else None,
                    done_on=begin + datetime.timedelta(days=300) if progress == 100 else None,
                )
            )
        LedgerItem.objects.bulk_create(rows, batch_size=500)


SIGN_IN_BACKEND = "minsheng.people.backends.UsernameOrMobileBackend"


def fixture() -> Fixture:
    """Log the benchmark's personas in (a session each, an API token for staff)."""
    from django.test import Client

    from minsheng.people.models import ApiToken, User
    from minsheng.suggestions.models import Suggestion

    sessions = {}
    for username in ("staff", "clerk", "deputy"):
        client = Client()
        # As a sign-in by the form records it (the axes backend only counts failures).
        client.force_login(User.objects.get(username=username), backend=SIGN_IN_BACKEND)
        sessions[username] = client.cookies["sessionid"].value
    _token, raw = ApiToken.issue(User.objects.get(username="staff"), "bench")
    one = (
        Suggestion.objects.filter(state="handling", assignments__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    assert one is not None
    from django.utils import timezone

    from minsheng.evaluation.models_campaign import Campaign

    campaign = Campaign.objects.order_by("pk").values_list("pk", flat=True).first() or 0
    return Fixture(
        sessions=sessions,
        tokens={"staff": raw},
        detail_id=one,
        year=timezone.localdate().year,
        campaign_id=campaign,
    )


# --- micro-wishes: the public wish wall --------------------------------------------------------

WISH_STATES = [
    ("posted", 0.08),
    ("rejected", 0.02),
    ("verified", 0.30),
    ("claimed", 0.20),
    ("fulfilled", 0.15),
    ("confirmed", 0.22),
    ("withdrawn", 0.03),
]
WISH_GROUPS = ["elderly_alone", "left_behind_child", "disabled", "low_income", "other"]
WISH_CATEGORIES = ["daily", "study", "health", "repair", "service", "other"]
COMMUNITIES = 40  # a province's communities taking part


def generate_wishes(n: int, seed: int = 1) -> None:
    """Add n micro-wishes in every state, over COMMUNITIES communities and the demo's deputies
    and units as claimants (bulk-inserted: benchmark data, no events)."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from minsheng.people.models import Deputy, Jurisdiction, Organisation, User
    from minsheng.wishes.models import Wish

    rng = random.Random(seed)
    province = Jurisdiction.objects.get(code="demo-province")
    communities = []
    for i in range(COMMUNITIES):
        org, _created = Organisation.objects.get_or_create(
            jurisdiction=province,
            name=f"{province.name}基准社区{i:02d}",
            defaults={"kind": Organisation.Kind.COMMUNITY, "sort_order": 900 + i},
        )
        communities.append(org.pk)
    staff = User.objects.get(username="staff")
    claimants = [
        (user_id, f"代表{user_id}")
        for user_id in Deputy.objects.filter(jurisdiction=province).values_list(
            "user_id", flat=True
        )[:60]
    ] + [(staff.pk, name) for name in ("省民政厅", "省交通运输厅", "省教育厅")]
    names = [s for s, _share in WISH_STATES]
    weights = [share for _s, share in WISH_STATES]
    now = timezone.now()
    first = (Wish.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    with transaction.atomic():
        for offset in range(0, n, 2000):
            rows = []
            for _i in range(offset, min(n, offset + 2000)):
                state = rng.choices(names, weights)[0]
                group = rng.choice(WISH_GROUPS)
                posted = now - datetime.timedelta(minutes=rng.randrange(0, 400 * 24 * 60))
                w = Wish(
                    jurisdiction=province,
                    community_id=rng.choice(communities),
                    title=f"心愿：{rng.choice(WORDS)}",
                    description="心愿说明。" * rng.randrange(2, 10),
                    category=rng.choice(WISH_CATEGORIES),
                    group=group,
                    priority=0 if group != "other" else 1,
                    wisher_name="某某",
                    wisher_phone="13900000000",
                    wisher_address="某小区",
                    state=state,
                    wall=1 if state in ("verified", "claimed", "fulfilled", "confirmed") else 0,
                    posted_by=staff,
                )
                if state not in ("posted", "rejected"):
                    w.verified_at = posted + datetime.timedelta(days=1)
                if state in ("claimed", "fulfilled", "confirmed"):
                    w.claimed_by_id, w.claimant_name = rng.choice(claimants)
                    w.claimed_at = posted + datetime.timedelta(days=3)
                if state in ("fulfilled", "confirmed"):
                    w.fulfilled_at = posted + datetime.timedelta(days=10)
                if state == "confirmed":
                    w.confirmed_at = posted + datetime.timedelta(days=12)
                rows.append(w)
            Wish.objects.bulk_create(rows, batch_size=500)
        # posted_at is auto_now_add: spread the rows over the year as verified_at is.
        Wish.objects.filter(pk__gte=first, verified_at__isnull=False).update(
            posted_at=F("verified_at") - datetime.timedelta(days=1)
        )


# --- publications: the public site and the staff's queue ---------------------------------------

PUBLISHED_SHARE = 0.85  # of the answered and closed suggestions; the rest wait for review


def rebuild_search() -> str:
    """The search index of everything generated (bulk-inserted rows send no signals)."""
    from minsheng.search import index

    counts = index.rebuild()
    return ", ".join(f"{count:,} {scope}" for scope, count in counts.items())


def generate_publications(seed: int = 1, published_share: float = PUBLISHED_SHARE) -> None:
    """A publication record for every answered or closed suggestion that has none: most
    published (with the public columns the workflow sets), the rest waiting for review, the
    confidential ones withheld (bulk-inserted: benchmark data, no events)."""
    import hashlib

    from django.db import transaction
    from django.db.models import OuterRef, Subquery
    from django.utils import timezone

    from minsheng.disclosure.models import Publication
    from minsheng.suggestions.models import Assignment, Suggestion

    rng = random.Random(seed)
    lead_unit = Assignment.objects.filter(suggestion=OuterRef("pk"), mode="lead").values("unit_id")[
        :1
    ]
    todo = (
        Suggestion.objects.filter(state__in=["answered", "closed"], publication__isnull=True)
        .annotate(unit=Subquery(lead_unit))
        .values_list(
            "pk",
            "title",
            "body",
            "jurisdiction_id",
            "session_id",
            "session__start_date",
            "category_id",
            "lead_deputy__delegation_id",
            "answered_at",
            "is_confidential",
            "unit",
        )
        .order_by("pk")
    )
    rows = []
    for pk, title, body, j, session, start, category, delegation, answered, secret, unit in todo:
        answered = answered or timezone.now()
        fingerprint = hashlib.sha256(title.encode("utf-8")).hexdigest()[:16]
        body_print = hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
        if secret:
            state = "withheld"
        else:
            state = "published" if rng.random() < published_share else "pending_review"
        published = state == "published"
        rows.append(
            Publication(
                suggestion_id=pk,
                jurisdiction_id=j,
                state=state,
                confidential=secret,
                due=(answered + datetime.timedelta(days=28)).date(),
                fingerprints={"title": fingerprint, "body": body_print},
                shown=["title", "body"] if published else [],
                public=1 if published else 0,
                published_at=answered + datetime.timedelta(days=rng.randrange(5, 27))
                if published
                else None,
                year=start.year,
                session_id=session,
                category_id=category,
                unit_id=unit,
                delegation_id=delegation,
                result=rng.choice("AAABBCD"),
                rating=rng.choice(["satisfied", "satisfied", "basically", "unsatisfied", ""]),
                on_time=rng.random() < 0.9,
                answered_on=answered.date(),
            )
        )
    with transaction.atomic():
        Publication.objects.bulk_create(rows, batch_size=500)

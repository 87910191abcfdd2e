"""Benchmarks: `make bench` (or `python -m bench --sizes 10000,100000`).

Generates N suggestions in a throw-away database (SQLite in a temp dir, or the PostgreSQL
database named by BENCH_DATABASE_URL), then times the queries the product runs most: what is due
(overdue / yellow) per jurisdiction, a unit clerk's inbox through visible_to(), a staff workbench
page with a text filter, the suggestion page's data, and the workflow actions themselves.
Rows are bulk-inserted as already-assigned suggestions (benchmark data, not a state change path);
the timed workflow actions go through workflow.py like everything else. Prints a table.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path


def setup_django(var_dir: str) -> None:
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ["MINSHENG_VAR_DIR"] = var_dir
    os.environ["HTTPS"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ["MINSHENG_PLAIN_STATIC"] = "true"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["AXES_ENABLED"] = "false"
    if url := os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(var_dir) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("demo", "--size", "small", "--seed", "1", verbosity=0, stdout=quiet)


def generate(n: int, seed: int = 1) -> None:
    """Bulk-insert n assigned suggestions with one lead assignment each."""
    from django.db import transaction
    from django.utils import timezone

    from minsheng.people.models import Deputy, Jurisdiction, Organisation, User
    from minsheng.suggestions.models import Assignment, Suggestion

    rng = random.Random(seed)
    province = Jurisdiction.objects.get(code="demo-province")
    session = province.current_session()
    deputies = list(Deputy.objects.filter(jurisdiction=province).values_list("pk", flat=True))
    units = list(Organisation.objects.handling_units().filter(jurisdiction=province))
    staff = User.objects.get(username="staff")
    start = Suggestion.objects.filter(session=session, series="X").count()
    today = timezone.localdate()
    words = ["农村公路", "义务教育", "医疗保障", "养老服务", "生态保护", "乡村振兴", "营商环境"]
    batch = 5000
    with transaction.atomic():
        for offset in range(0, n, batch):
            rows = []
            for i in range(offset, min(n, offset + batch)):
                assigned_on = today - datetime.timedelta(days=rng.randrange(0, 200))
                due = assigned_on + datetime.timedelta(days=91)
                rows.append(
                    Suggestion(
                        jurisdiction=province,
                        session=session,
                        series="X",
                        number=start + i + 1,
                        title=f"关于加强{rng.choice(words)}工作的建议（{i}）",
                        body="建议内容。" * 20,
                        lead_deputy_id=rng.choice(deputies),
                        created_by=staff,
                        state=Suggestion.State.HANDLING,
                        assigned_on=assigned_on,
                        reply_due=due,
                        warn_from=due - datetime.timedelta(days=7),
                    )
                )
            created = Suggestion.objects.bulk_create(rows, batch_size=1000)
            if not created or created[0].pk is None:
                created = list(Suggestion.objects.filter(series="X").order_by("-pk")[: len(rows)])
            Assignment.objects.bulk_create(
                [
                    Assignment(
                        suggestion=s,
                        unit=rng.choice(units),
                        mode="lead",
                        state="signed",
                        assigned_on=s.assigned_on,
                        assigned_by=staff,
                        sign_due=s.assigned_on + datetime.timedelta(days=7),
                        adjustment_until=s.assigned_on + datetime.timedelta(days=9),
                    )
                    for s in created
                ],
                batch_size=1000,
            )


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples), max(samples)


def cases() -> list[tuple[str, Callable[[], object], int]]:
    from django.test import Client
    from django.utils import timezone

    from minsheng.people.models import User
    from minsheng.suggestions import permissions
    from minsheng.suggestions.models import Suggestion

    today = timezone.localdate()
    clerk = User.objects.get(username="clerk")
    staff = User.objects.get(username="staff")
    one = Suggestion.objects.filter(series="X").order_by("pk").first()
    assert one is not None
    client = Client()
    client.force_login(staff)

    def overdue() -> int:
        return Suggestion.objects.filter(
            jurisdiction__code="demo-province",
            state__in=["assigned", "handling", "rehandling"],
            reply_due__lt=today,
        ).count()

    def yellow() -> int:
        return Suggestion.objects.filter(
            jurisdiction__code="demo-province",
            state__in=["assigned", "handling", "rehandling"],
            warn_from__lte=today,
            reply_due__gte=today,
        ).count()

    def inbox() -> int:
        return len(list(Suggestion.objects.visible_to(clerk).order_by("reply_due")[:50]))

    def search() -> int:
        return len(
            list(
                Suggestion.objects.visible_to(staff)
                .filter(title__contains="乡村振兴")
                .order_by("-pk")[:50]
            )
        )

    def detail() -> object:
        return permissions.get_suggestion_for_user(staff, one.pk)

    def page() -> int:
        response = client.get(f"/suggestions/{one.pk}/")
        assert response.status_code == 200, response.status_code
        return response.status_code

    return [
        ("overdue count (indexed due date)", overdue, 7),
        ("yellow-warning count", yellow, 7),
        ("unit clerk inbox, first 50 via visible_to", inbox, 7),
        ("staff text search, first 50", search, 5),
        ("get_suggestion_for_user", detail, 15),
        ("suggestion page (HTTP, staff)", page, 5),
    ]


def workflow_throughput(count: int = 50) -> tuple[float, float]:
    """Median ms of submit→register→assign for one suggestion, through workflow.py."""
    from minsheng.people.models import Deputy, Jurisdiction, Organisation, User
    from minsheng.suggestions import workflow

    province = Jurisdiction.objects.get(code="demo-province")
    staff = User.objects.get(username="staff")
    deputy = Deputy.objects.get(user__username="deputy")
    unit = Organisation.objects.get(name="省交通运输厅")
    samples = []
    for i in range(count):
        began = time.perf_counter()
        s = workflow.create_draft(
            by=deputy.user,
            lead_deputy=deputy,
            title=f"基准测试建议{i}",
            body="内容",
            session=province.current_session(),
        )
        workflow.submit(s, by=deputy.user)
        workflow.register(s, by=staff)
        workflow.assign(s, by=staff, plan=[workflow.UnitPlan(unit, "lead")])
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000",
        help="comma-separated suggestion counts (cumulative)",
    )
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    with tempfile.TemporaryDirectory(prefix="minsheng-bench-") as var_dir:
        setup_django(var_dir)
        from django.db import connection

        print(f"database: {connection.vendor}")
        rows: list[tuple[int, str, float, float]] = []
        have = 0
        for size in sizes:
            began = time.perf_counter()
            generate(size - have, seed=size)
            have = size
            print(f"generated {size:,} suggestions in {time.perf_counter() - began:.1f} s")
            for name, fn, repeat in cases():
                median, worst = timed(fn, repeat)
                rows.append((size, name, median, worst))
            median, worst = workflow_throughput()
            rows.append((size, "submit+register+assign via workflow", median, worst))
        width = max(len(r[1]) for r in rows)
        print()
        print(f"{'suggestions':>12}  {'case':<{width}}  {'median ms':>10}  {'max ms':>8}")
        for size, name, median, worst in rows:
            print(f"{size:>12,}  {name:<{width}}  {median:>10.1f}  {worst:>8.1f}")


if __name__ == "__main__":
    main()

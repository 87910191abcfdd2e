"""`make bench` (or `python -m bench --sizes 10000,100000`): the pages measured through the real
stack.

For each size: a throw-away database (SQLite in a temp dir, or the PostgreSQL database named by
BENCH_DATABASE_URL) with the small demo plus N generated suggestions (bench/data.py); gunicorn
with several workers on 127.0.0.1 serving the product under bench/settings.py, which adds a bare
view and a hand-written floor view of the workbench (bench/views.py) that a normal deployment
never mounts; then, per page, single-user p50/p95 and throughput at 32 connections (bounded
request loops). Prints a table (and writes JSON with --json); sizes are cumulative.

The targets (every list page at least 40 % of its floor's throughput, p95 ≤ 30 ms single-user
at 100k) are reported, never asserted.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import asdict
from pathlib import Path
from urllib.parse import quote

from bench import data, load

ROOT = Path(__file__).resolve().parent.parent
LIST_PAGES = {
    "staff workbench",
    "unit inbox",
    "deputy's list",
    "API list",
    "ledger list",
    "wish wall",
    "public list",
    "public API list",
    "public search",
    "workbench search",
    "publication queue",
}
# What the search cases look for: a word of one generated title in len(data.WORDS).
SEARCH_WORD = "医疗保障"
FLOOR = "floor: workbench rows"
WORKBENCH_SEARCH_FLOOR = "floor: workbench search"
LEDGER_FLOOR = "floor: ledger rows"
WALL_FLOOR = "floor: wish wall"
RANKING_FLOOR = "floor: unit ranking"
DASHBOARD_FLOOR = "floor: dashboard"
PUBLIC_FLOOR = "floor: public list"
SEARCH_FLOOR = "floor: public search"
QUEUE_FLOOR = "floor: publication queue"
# The floor each page is compared with (the workbench's unless named here).
FLOOR_OF = {
    "workbench search": WORKBENCH_SEARCH_FLOOR,
    WORKBENCH_SEARCH_FLOOR: WORKBENCH_SEARCH_FLOOR,
    "ledger list": LEDGER_FLOOR,
    "wish wall": WALL_FLOOR,
    WALL_FLOOR: WALL_FLOOR,
    "unit ranking": RANKING_FLOOR,
    RANKING_FLOOR: RANKING_FLOOR,
    "dashboard": DASHBOARD_FLOOR,
    DASHBOARD_FLOOR: DASHBOARD_FLOOR,
    "public list": PUBLIC_FLOOR,
    "public API list": PUBLIC_FLOOR,
    "public search": SEARCH_FLOOR,
    SEARCH_FLOOR: SEARCH_FLOOR,
    PUBLIC_FLOOR: PUBLIC_FLOOR,
    "publication queue": QUEUE_FLOOR,
    QUEUE_FLOOR: QUEUE_FLOOR,
}


def environment(var_dir: str) -> dict[str, str]:
    env = {
        "MINSHENG_VAR_DIR": var_dir,
        "HTTPS": "false",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "MINSHENG_PLAIN_STATIC": "true",
        "LOG_LEVEL": "WARNING",
        "AXES_ENABLED": "false",
        # 32 connections from one address would be refused by the public site's rate limits.
        "RATELIMIT_ENABLED": "false",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL")
        or f"sqlite:///{Path(var_dir) / 'bench.sqlite3'}",
    }
    os.environ.update(env)
    return env


def setup_django() -> None:
    warnings.filterwarnings("ignore", message="No directory at")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn on loopback, started and stopped by the bench (its own process group)."""

    def __init__(self, workers: int) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "minsheng.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--backlog",
                "512",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if load.get(self.port, "/healthz", {})[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not answer /healthz within 60 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)


def cases(f: data.Fixture) -> list[tuple[str, str, dict[str, str]]]:
    def cookie(username: str) -> dict[str, str]:
        return {"Cookie": f"sessionid={f.sessions[username]}"}

    bearer = {"Authorization": f"Bearer {f.tokens['staff']}"}
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()  # Beijing
    week = (today - datetime.timedelta(days=6), today)
    return [
        ("bare view", "/_bench/bare", cookie("staff")),
        (FLOOR, "/_bench/floor/workbench", cookie("staff")),
        ("staff workbench", "/suggestions/list/", cookie("staff")),
        (
            WORKBENCH_SEARCH_FLOOR,
            f"/_bench/floor/workbench?q={quote(SEARCH_WORD)}",
            cookie("staff"),
        ),
        ("workbench search", f"/suggestions/list/?q={quote(SEARCH_WORD)}", cookie("staff")),
        ("unit inbox", "/suggestions/inbox/", cookie("clerk")),
        ("deputy's list", "/suggestions/mine/", cookie("deputy")),
        ("staff home", "/", cookie("staff")),
        ("suggestion page", f"/suggestions/{f.detail_id}/", cookie("staff")),
        ("API list", "/api/v1/suggestions", bearer),
        ("API detail", f"/api/v1/suggestions/{f.detail_id}", bearer),
        ("assignment meeting", "/suggestions/assign/", cookie("staff")),
        ("key items", "/supervision/", cookie("staff")),
        ("warning board", "/supervision/warnings/", cookie("staff")),
        ("supervision overview", "/supervision/overview/", cookie("staff")),
        (LEDGER_FLOOR, "/_bench/floor/ledger", cookie("staff")),
        ("ledger list", "/ledger/", cookie("staff")),
        # The ledger's other lists and the micro-wishes' staff and claimant lists: p95 only
        # (no floor of their own; the ratio shown is to the workbench's).
        ("B commitments", "/ledger/commitments/", cookie("staff")),
        ("rectifications", "/ledger/rectifications/", cookie("staff")),
        ("vote rounds", "/ledger/vote/", cookie("staff")),
        ("wishes to verify", "/wishes/queue/", cookie("staff")),
        ("claimant's wishes", "/wishes/mine/", cookie("deputy")),
        (WALL_FLOOR, "/_bench/floor/wishes", {}),
        ("wish wall", "/wishes/", {}),
        (RANKING_FLOOR, f"/_bench/floor/ranking?year={f.year}", cookie("staff")),
        ("unit ranking", f"/evaluation/?year={f.year}", cookie("staff")),
        (DASHBOARD_FLOOR, f"/_bench/floor/dashboard?year={f.year}", cookie("staff")),
        ("dashboard", f"/reports/dashboard/?year={f.year}", cookie("staff")),
        ("evaluation campaigns", "/evaluation/campaigns/", cookie("staff")),
        ("campaign page", f"/evaluation/campaigns/{f.campaign_id}/", cookie("staff")),
        ("campaign opinions", f"/evaluation/campaigns/{f.campaign_id}/opinions/", cookie("staff")),
        (PUBLIC_FLOOR, "/_bench/floor/gongkai", {}),
        ("public list", "/gongkai/", {}),
        (SEARCH_FLOOR, f"/_bench/floor/gongkai-search?q={quote(SEARCH_WORD)}", {}),
        ("public search", f"/gongkai/?q={quote(SEARCH_WORD)}", {}),
        ("public statistics", "/gongkai/tongji/", {}),
        # The same 20 rows as JSON (no token; no conditional header, so always a full answer).
        ("public API list", "/api/v1/public/suggestions?page_size=20", {}),
        (QUEUE_FLOOR, "/_bench/floor/publications", cookie("staff")),
        ("publication queue", "/gongkai/staff/", cookie("staff")),
        # Hot topics for the last week (the generated rows spread over 400 days): the warm-up
        # clusters the period once (file cache, shared by the workers); what is measured is the
        # page as staff get it after that (one aggregate query for the data version + the file).
        ("hot topics (cached)", f"/insight/topics/?from={week[0]}&to={week[1]}", cookie("staff")),
        # The current session's near-duplicates among its submitted and registered suggestions
        # (the warm-up clusters them once; then kept in the cache under the texts' versions).
        ("near-duplicates (cached)", "/insight/duplicates/", cookie("staff")),
    ]


def same_rows(port: int, f: data.Fixture) -> bool:
    """The floor must show the workbench's rows, or the ratio means nothing."""
    headers = {"Cookie": f"sessionid={f.sessions['staff']}"}
    link = re.compile(rb'href="/suggestions/(\d+)/"')
    same = True
    for query in ("", f"?q={quote(SEARCH_WORD)}"):
        page = load.get(port, f"/suggestions/list/{query}", headers)[2]
        floor = load.get(port, f"/_bench/floor/workbench{query}", headers)[2]
        same = same and link.findall(page) == link.findall(floor) and bool(link.findall(floor))
    card = re.compile(rb'data-testid="wish-(\d+)"')
    wall = load.get(port, "/wishes/", {})[2]
    wall_floor = load.get(port, "/_bench/floor/wishes", {})[2]
    return same and card.findall(wall) == card.findall(wall_floor) and bool(card.findall(wall))


def same_publication_rows(port: int, f: data.Fixture) -> bool:
    """The public list and the queue show the rows of their floors."""
    headers = {"Cookie": f"sessionid={f.sessions['staff']}"}
    card = re.compile(rb'data-testid="pub-(\d+)"')
    row = re.compile(rb'data-testid="row-(\d+)"')
    pairs = [
        (card, load.get(port, "/gongkai/", {})[2], load.get(port, "/_bench/floor/gongkai", {})[2]),
        (
            card,
            load.get(port, f"/gongkai/?q={quote(SEARCH_WORD)}", {})[2],
            load.get(port, f"/_bench/floor/gongkai-search?q={quote(SEARCH_WORD)}", {})[2],
        ),
        (
            row,
            load.get(port, "/gongkai/staff/", headers)[2],
            load.get(port, "/_bench/floor/publications", headers)[2],
        ),
    ]
    return all(p.findall(a) == p.findall(b) and bool(p.findall(b)) for p, a, b in pairs)


def same_ledger_rows(port: int, f: data.Fixture) -> bool:
    headers = {"Cookie": f"sessionid={f.sessions['staff']}"}
    link = re.compile(rb'href="/ledger/(\d+)/"')
    page = load.get(port, "/ledger/", headers)[2]
    floor = load.get(port, "/_bench/floor/ledger", headers)[2]
    return link.findall(page) == link.findall(floor) and bool(link.findall(floor))


def same_dashboard(port: int, f: data.Fixture) -> bool:
    """The dashboard's floor must count the page's registered, answered and overdue."""
    headers = {"Cookie": f"sessionid={f.sessions['staff']}"}
    began = time.perf_counter()
    page = load.get(port, f"/reports/dashboard/?year={f.year}", headers)[2].decode()
    # The first view anywhere draws the charts into var/charts; every worker then reads them.
    print(f"  dashboard first view: {time.perf_counter() - began:.1f} s (charts drawn)")
    floor = load.get(port, f"/_bench/floor/dashboard?year={f.year}", headers)[2].decode()
    for key in ("registered", "answered", "overdue"):
        shown = re.search(rf'data-figure="{key}">([\d,]+)<', page)
        counted = re.search(rf"<th>{key}</th><td>([\d,]+)</td>", floor)
        if not shown or not counted or shown.group(1) != counted.group(1):
            return False
    return True


def same_ranking(port: int, f: data.Fixture) -> bool:
    """The ranking's floor must list the units in the page's order with the same scores."""
    headers = {"Cookie": f"sessionid={f.sessions['staff']}"}
    row = re.compile(rb'data-testid="unit-(\d+)"')
    page = load.get(port, f"/evaluation/?year={f.year}", headers)[2]
    floor = load.get(port, f"/_bench/floor/ranking?year={f.year}", headers)[2]
    return row.findall(page) == row.findall(floor) and bool(row.findall(floor))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000",
        help="suggestion counts (as many micro-wishes), e.g. 10000,100000",
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--per-connection", type=int, default=5, help="requests per connection")
    parser.add_argument("--samples", type=int, default=40, help="single-user requests per page")
    parser.add_argument(
        "--published",
        type=float,
        metavar="SHARE",
        help="this share of the generated suggestions answered or closed, and all of those "
        "published (confidential ones withheld); e.g. 0.97 makes 100,000 suggestions about "
        "95,000 published items (default: the province's spread, about 22 %% published)",
    )
    parser.add_argument("--only", default="", help="comma-separated case names to run")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    results: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="minsheng-bench-") as var_dir:
        environment(var_dir)
        (Path(var_dir) / "static").mkdir()  # whitenoise's root; the pages' CSS is not timed
        setup_django()
        from django.db import connection

        began = time.perf_counter()
        data.setup()
        print(f"database: {connection.vendor}; demo loaded in {time.perf_counter() - began:.0f} s")
        have = 0
        for size in sizes:
            began = time.perf_counter()
            data.generate(size - have, seed=size, answered_share=args.published)
            data.generate_ledger(round((size - have) * data.LEDGER_SHARE), seed=size)
            data.generate_wishes(size - have, seed=size)
            data.generate_publications(
                seed=size,
                published_share=data.PUBLISHED_SHARE if args.published is None else 1.0,
            )
            from minsheng.disclosure.models import Publication

            published = Publication.objects.filter(state="published").count()
            print(f"published items: {published:,}")
            began_index = time.perf_counter()
            indexed = data.rebuild_search()
            print(f"search index: {indexed} in {time.perf_counter() - began_index:.0f} s")
            have = size
            if connection.vendor == "postgresql":
                # What autovacuum does to a live table: planner statistics, and the visibility
                # map an index-only scan needs. Freshly bulk-loaded rows have neither.
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
            fixture = data.fixture()
            # The similar-suggestion indexes, saved as `minsheng insight index` does nightly:
            # the suggestion page's section loads them instead of building in the background.
            from django.core.management import call_command

            call_command("insight", "index", verbosity=0, stdout=io.StringIO())
            connection.close()
            print(f"generated {size:,} suggestions in {time.perf_counter() - began:.0f} s")
            server = Server(args.workers)
            try:
                if not same_rows(server.port, fixture):
                    print("WARNING: the floor view does not show the workbench's rows")
                if not same_ledger_rows(server.port, fixture):
                    print("WARNING: the ledger floor view does not show the ledger's rows")
                if not same_ranking(server.port, fixture):
                    print("WARNING: the ranking floor view does not rank the units as the page")
                if not same_dashboard(server.port, fixture):
                    print("WARNING: the dashboard floor does not count as the page")
                if not same_publication_rows(server.port, fixture):
                    print("WARNING: the publication floors do not show the pages' rows")
                for name, path, headers in cases(fixture):
                    floors = (
                        "bare view",
                        FLOOR,
                        WORKBENCH_SEARCH_FLOOR,
                        LEDGER_FLOOR,
                        WALL_FLOOR,
                        RANKING_FLOOR,
                        DASHBOARD_FLOOR,
                        PUBLIC_FLOOR,
                        SEARCH_FLOOR,
                        QUEUE_FLOOR,
                    )
                    if only and name not in only and name not in floors:
                        continue
                    r = load.measure(
                        server.port,
                        path,
                        headers,
                        samples=args.samples,
                        connections=args.connections,
                        per_connection=args.per_connection,
                        warmup=args.workers * 4,
                    )
                    results.append({"size": size, "page": name, **asdict(r)})
                    print(f"  {name:<22} p50 {r.p50_ms:7.1f} ms  {r.rps:7.1f} req/s", flush=True)
            finally:
                server.stop()
    report(results, args)


def report(results: list[dict[str, object]], args: argparse.Namespace) -> None:
    floors = {
        (r["size"], r["page"]): r["rps"] for r in results if str(r["page"]).startswith("floor:")
    }
    for r in results:
        floor = floors.get((r["size"], FLOOR_OF.get(str(r["page"]), FLOOR)))
        r["ratio_to_floor"] = round(float(r["rps"]) / float(floor), 3) if floor else None  # type: ignore[arg-type]
    print()
    print(
        f"gunicorn {args.workers} workers, 127.0.0.1; single user {args.samples} requests; "
        f"{args.connections} connections × {args.per_connection} requests"
    )
    head = (
        f"{'suggestions':>11}  {'page':<22} {'p50 ms':>7} {'p95 ms':>7} {'req/s@32':>9} "
        f"{'÷floor':>7} {'KiB':>7}  targets"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        ratio = r["ratio_to_floor"]
        notes = []
        if float(r["p95_ms"]) > 30:  # type: ignore[arg-type]
            notes.append("p95>30ms")
        if r["page"] in LIST_PAGES and ratio is not None and float(ratio) < 0.4:
            notes.append("<40% floor")
        if r["errors"]:
            notes.append("ERRORS " + "; ".join(r["errors"]))  # type: ignore[arg-type]
        print(
            f"{r['size']:>11,}  {r['page']:<22} {r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} "
            f"{r['rps']:>9.1f} {'' if ratio is None else f'{ratio:.0%}':>7} "
            f"{int(r['bytes']) / 1024:>7.1f}  {', '.join(notes) or 'ok'}"  # type: ignore[call-overload]
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
        print(f"\nwritten to {args.json}")


if __name__ == "__main__":
    main()

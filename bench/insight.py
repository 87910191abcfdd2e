"""`python -m bench.insight [--size 10000] [--json FILE]`: the routing recommender's speed and
memory, measured without a database (framework-free core).

Texts: the synthetic citizen messages of `minsheng.insight.synthetic`, each routed to one of
60 handling units (class × topic → unit, so units share vocabulary as real ones do), plus one
duty description per unit. Measures training (segmenting + fitting, the cost of `minsheng
insight train`), one recommendation (segmenting, top 3 units and the category with
explanations: what a page or the API asks) at p50/p95 over 500 texts, the saved model's size
and the process's peak memory. Targets (issue 11): training 10,000 texts within 15 s, one
recommendation within 20 ms at p95. Reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from minsheng.insight.recommend import Example, RoutingModel, train
from minsheng.insight.synthetic import CLASSES, messages

UNITS = 60


def _unit(label: str, title: str) -> int:
    _, topics, _ = CLASSES[label]
    topic = next((i for i, t in enumerate(topics) if t in title), 0)
    return (list(CLASSES).index(label) * 13 + topic) % UNITS + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--part",
        choices=("routing", "similar", "all"),
        default="routing",
        help="routing: the recommender (default); similar: the similar-suggestion index "
        "(bench/insight_similar.py); all: both.",
    )
    args = parser.parse_args()
    if args.part != "routing":
        from bench.insight_similar import run as run_similar

        found = run_similar(args.size, args.samples, args.seed)
        if args.part == "similar":
            _report(found, args.json)
            return
    rows = list(messages(args.size + args.samples, seed=args.seed))
    categories = {name: i + 1 for i, name in enumerate(CLASSES)}
    history = [
        Example(m.title, m.body, _unit(m.label, m.title), categories[m.label])
        for m in rows[: args.size]
    ]
    duties = {u: f"第{u}号单位。负责相关事项的办理" for u in range(1, UNITS + 1)}
    stamps: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        stamps[stage] = time.perf_counter() - started

    started = time.perf_counter()
    model = train(history, duties, progress=progress)
    train_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "routing.joblib"
        model.save(path)
        size_mb = path.stat().st_size / 2**20
        started = time.perf_counter()
        model = RoutingModel.load(path)
        load_s = time.perf_counter() - started
    latencies = []
    for m in rows[args.size :]:
        started = time.perf_counter()
        model.recommend(m.title, m.body, k=3)
        latencies.append((time.perf_counter() - started) * 1000)
    long_text = "小区物业不作为，房屋漏水无人维修。" * 6000
    started = time.perf_counter()
    model.recommend("物业问题", long_text)
    long_ms = (time.perf_counter() - started) * 1000
    result = {
        "texts": args.size,
        "units": UNITS,
        "features": len(model.unit_model.names),
        "train_s": round(train_s, 2),
        "train_segmenting_s": round(stamps.get("reading", 0.0), 2),
        "train_unit_model_s": round(model.unit_model.train_s, 2),
        "train_category_model_s": round(
            model.category_model.train_s if model.category_model else 0.0, 2
        ),
        "recommend_p50_ms": round(float(np.percentile(latencies, 50)), 2),
        "recommend_p95_ms": round(float(np.percentile(latencies, 95)), 2),
        "recommend_100k_chars_ms": round(long_ms, 1),
        "model_file_mb": round(size_mb, 1),
        "model_load_s": round(load_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0),
    }
    if args.part == "all":
        result.update(found)
    _report(result, args.json)


def _report(result: dict[str, Any], path: Path | None) -> None:
    width = max(map(len, result))
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    if path:
        path.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

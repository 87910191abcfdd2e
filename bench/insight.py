"""`python -m bench.insight [--size 10000] [--json FILE]`: the routing recommender's speed and
memory, measured without a database (framework-free core).

Texts: the synthetic citizen messages of `minsheng.insight.synthetic`, each routed to one of
60 handling units (class × topic → unit, so units share vocabulary as real ones do), plus one
duty description per unit. Measures training (segmenting + fitting, the cost of `minsheng
insight train`), one recommendation (segmenting, top 3 units and the category with
explanations: what a page or the API asks) at p50/p95 over 500 texts, the saved model's size
and the process's peak memory. Targets (issue 11): training 10,000 texts within 15 s, one
recommendation within 20 ms at p95. Reported, never asserted.

Hot topics (`--part topics`, or with the rest by default): `--size` texts of one period and as
many of the period before (for growth) clustered by `minsheng.insight.topics` with k chosen by
the silhouette; segmenting, features, choosing k, k-means, labels, growth; and the same seed
again to check the result is identical. Target (issue 11): 10,000 texts within 30 s. Peak memory
is the process's: run `--part topics` alone to read the topics' own.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from minsheng.insight.recommend import Example, RoutingModel, train
from minsheng.insight.synthetic import CLASSES, messages
from minsheng.insight.topics import Item, topics

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
    parser.add_argument("--part", choices=("all", "routing", "topics"), default="all")
    args = parser.parse_args()
    result: dict[str, object] = {}
    if args.part in ("all", "routing"):
        result |= routing(args)
    if args.part in ("all", "topics"):
        result |= hot_topics(args)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0)
    width = max(map(len, result))
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


def hot_topics(args: argparse.Namespace) -> dict[str, object]:
    import datetime

    rows = list(messages(2 * args.size, seed=args.seed + 1))
    now = [Item(m.number, m.title, m.body, datetime.date(2026, 3, 1)) for m in rows[: args.size]]
    before = [Item(m.number, m.title, m.body, datetime.date(2025, 9, 1)) for m in rows[args.size :]]
    stamps: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        stamps.setdefault(stage, time.perf_counter() - started)

    started = time.perf_counter()
    cpu = time.process_time()
    found = topics(now, before, seed=args.seed, progress=progress)
    total_s = time.perf_counter() - started
    # CPU time beside wall time: on the shared box the wall clock says more about the other
    # processes than about this one (the clustering runs on one thread).
    cpu_s = time.process_time() - cpu
    again = topics(now, before, seed=args.seed)
    same = [t.as_dict() for t in found.topics] == [t.as_dict() for t in again.topics]
    started = time.perf_counter()
    cpu = time.process_time()
    topics(now, None, seed=args.seed, k=found.k)
    fixed_k_s = time.perf_counter() - started
    fixed_k_cpu_s = time.process_time() - cpu
    named = [t for t in found.topics if not t.other]
    return {
        "topics_texts": args.size,
        "topics_previous_texts": len(before),
        "topics_s": round(total_s, 2),
        "topics_cpu_s": round(cpu_s, 2),
        "topics_words_s": round(stamps.get("features", 0.0) - stamps.get("words", 0.0), 2),
        "topics_k_clusters_labels_growth_s": round(total_s - stamps.get("clusters", 0.0), 2),
        "topics_k": found.k,
        "topics_silhouette": round(found.silhouette or 0.0, 3),
        "topics_named": len(named),
        "topics_other": sum(t.size for t in found.topics if t.other),
        "topics_largest": " ".join(named[0].terms) if named else "",
        "topics_same_seed_same_result": same,
        "topics_fixed_k_no_growth_s": round(fixed_k_s, 2),
        "topics_fixed_k_no_growth_cpu_s": round(fixed_k_cpu_s, 2),
    }


def routing(args: argparse.Namespace) -> dict[str, object]:
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
    return {
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
    }


if __name__ == "__main__":
    main()

"""The similar-suggestion index's speed and memory (`python -m bench.insight --part similar
--size 100000`), without a database (framework-free core). Texts: synthetic citizen messages
(`minsheng.insight.synthetic`). Measures building the index (segmenting every text + the matrix:
what a server does once per congress on its first query), one query (the text's vector, the
scores of every indexed text, the top 10 above the shown threshold with their shared words: what
the draft panel, the staff page and the API ask) at p50/p95 over `samples` texts not in the
index, one incremental addition, the resident memory the built index holds (jieba loaded first),
and how much the build's peak added. Target (issue 11): a query within 50 ms at p95 over 100,000
suggestions. Reported, never asserted.
"""

from __future__ import annotations

import gc
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from minsheng.insight.neighbours import Index
from minsheng.insight.synthetic import messages
from minsheng.insight.words import words


def _rss_mb() -> float:
    """The process's resident memory now (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run(size: int, samples: int, seed: int) -> dict[str, Any]:
    rows = list(messages(size + samples, seed=seed))
    words("预热")  # jieba's dictionary (about 70 MB) is loaded before anything is measured
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    gc.collect()
    rss_now = _rss_mb()
    started = time.perf_counter()
    index = Index.build((i, m.title, m.body) for i, m in enumerate(rows[:size]))
    build_s = time.perf_counter() - started
    gc.collect()
    rss_index = _rss_mb() - rss_now  # what the built index holds (matrix, vocabulary, IDF)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "similar.joblib"
        started = time.perf_counter()
        index.save(path)
        save_s = time.perf_counter() - started
        file_mb = path.stat().st_size / 2**20
        started = time.perf_counter()
        index, _extra = Index.load(path)
        load_s = time.perf_counter() - started
    latencies = []
    cpu = []
    hits = []
    for m in rows[size:]:
        started, started_cpu = time.perf_counter(), time.process_time()
        found = index.search(index.vector(m.title, m.body), k=10)
        latencies.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        hits.append(len(found))
    adds = []
    for i, m in enumerate(rows[size : size + 200]):
        started = time.perf_counter()
        index.add(("new", i), m.title, m.body)
        adds.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    index.fold()
    fold_ms = (time.perf_counter() - started) * 1000
    long_text = "小区物业不作为，房屋漏水无人维修。" * 6000
    started = time.perf_counter()
    index.search(index.vector("物业问题", long_text), k=10)
    long_ms = (time.perf_counter() - started) * 1000
    return {
        "similar_texts": size,
        "similar_build_s": round(build_s, 1),
        "similar_saved_file_mb": round(file_mb, 1),
        "similar_save_s": round(save_s, 2),
        "similar_load_s": round(load_s, 2),
        "similar_query_p50_ms": round(float(np.percentile(latencies, 50)), 2),
        "similar_query_p95_ms": round(float(np.percentile(latencies, 95)), 2),
        # CPU time of the process: what the query costs when the machine is shared (the wall
        # times above include waiting for a core).
        "similar_query_cpu_p50_ms": round(float(np.percentile(cpu, 50)), 2),
        "similar_query_cpu_p95_ms": round(float(np.percentile(cpu, 95)), 2),
        "similar_query_100k_chars_ms": round(long_ms, 1),
        "similar_add_p95_ms": round(float(np.percentile(adds, 95)), 2),
        "similar_fold_ms": round(fold_ms, 0),
        "similar_found_mean": round(float(np.mean(hits)), 1),
        "similar_features": len(index.vocab),
        "similar_matrix_mb": round(index.memory_bytes() / 2**20, 1),
        "similar_index_rss_mb": round(rss_index, 0),
        "similar_build_peak_rss_growth_mb": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss_before, 0
        ),
    }

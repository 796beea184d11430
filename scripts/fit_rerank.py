#!/usr/bin/env python3
"""Fits the weights of the search's second stage (search/src/ranking.rs,
`Weights::second`) on the `tune` splits of `hub-bench relevance`.

    cargo run --release --bin hub-bench -- relevance --features /tmp/features.tsv
    python3 scripts/fit_rerank.py /tmp/features.tsv [w0,w1,...]

The TSV holds, for every judged title query, each candidate the second
stage re-scores (its first 100 first-stage hits) with its features. The
script starts from the given weights (or all ones), improves MRR@10 +
0.5 x recall@10 over the pooled `tune` queries by coordinate ascent, and
prints MRR@10 / recall@10 of every kind and split before and after, the
way `hub-bench relevance` counts them (recall@10: the queries with a
relevant occupation in the top 10). Only `tune` is fitted on: the other
splits are the check. Needs numpy.
"""

import collections
import sys

import numpy as np


def read(path):
    queries = collections.OrderedDict()
    with open(path, encoding="utf8") as table:
        next(table)
        for line in table:
            kind, split, query, _code, relevant, count, *values = line.rstrip("\n").split("\t")
            key = (kind, split, query)
            rows = queries.setdefault(key, ([], [], int(count)))
            rows[0].append([float(v) for v in values])
            rows[1].append(relevant == "1")
    groups = collections.defaultdict(list)
    for (kind, split, _), (features, relevant, count) in queries.items():
        groups[(kind, split)].append((np.array(features), np.array(relevant), count))
    return groups


def scores(weights, items):
    """MRR@10 and recall@10 of a ranking by `features @ weights`."""
    mrr = recall = 0.0
    for features, relevant, _count in items:
        order = np.argsort(-(features @ weights), kind="stable")[:10]
        found = np.nonzero(relevant[order])[0]
        if len(found):
            mrr += 1.0 / (found[0] + 1)
            recall += 1.0
    return mrr / len(items), recall / len(items)


def report(label, weights, groups):
    print(label, ", ".join(f"{w:.2f}" for w in weights))
    for kind, split in sorted(groups):
        mrr, recall = scores(weights, groups[(kind, split)])
        print(f"  {kind:16s} {split:8s} {len(groups[(kind, split)]):4d}  {mrr:.3f} / {recall:.2f}")


def fit(weights, items, steps=(2.0, 1.0, 0.5, 0.25, 0.1)):
    def objective(w):
        mrr, recall = scores(w, items)
        return mrr + 0.5 * recall

    best, value = weights.copy(), objective(weights)
    for step in steps:
        improved = True
        while improved:
            improved = False
            for i in range(len(best)):
                for delta in (step, -step):
                    candidate = best.copy()
                    candidate[i] += delta
                    candidate_value = objective(candidate)
                    if candidate_value > value + 1e-9:
                        best, value, improved = candidate, candidate_value, True
    return best


def main():
    groups = read(sys.argv[1])
    width = len(next(iter(groups.values()))[0][0][0])
    start = (
        np.array([float(w) for w in sys.argv[2].split(",")])
        if len(sys.argv) > 2
        else np.ones(width)
    )
    report("start", start, groups)
    tune = [item for (kind, split), items in groups.items() if split == "tune" for item in items]
    report("fitted", fit(start, tune), groups)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Prints the median (and min/max) of every JMH result in a JSON file written with -rf json.

JMH's own "Score" is a mean; on shared, noisy machines the median of the raw iteration scores
over all forks is the figure to quote.  Usage: benchmarks/median.py result.json
"""
import json
import statistics
import sys

for result in json.load(open(sys.argv[1])):
    raw = [x for fork in result["primaryMetric"]["rawData"] for x in fork]
    params = ",".join(f"{k}={v}" for k, v in sorted(result.get("params", {}).items()))
    name = result["benchmark"].rsplit(".", 2)[-2:]
    print(f"{'.'.join(name):55s} {params:30s} median {statistics.median(raw):10.2f}"
          f"  min {min(raw):10.2f}  max {max(raw):10.2f}  {result['primaryMetric']['scoreUnit']}"
          f"  (n={len(raw)})")

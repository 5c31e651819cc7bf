#!/usr/bin/env python3
"""Codes a JSON Lines input with Spark: each partition is piped through `verbatim run - --out -`.

The output folder holds the coded shards (part-00000, part-00001, ... in partition order) for
`verbatim merge`. Spark's textFile splits the input into consecutive byte ranges, pipe keeps each
partition's order, and saveAsTextFile numbers the parts in partition order, so `verbatim merge
--order given OUTDIR` even gives back the input order.

Usage: spark_pipe.py INPUT.jsonl OUTDIR --verbatim PATH [--pipeline FILE] [--master local[2]]
                     [--partitions 4] [--with-text]
Needs pyspark (scripts/test-spark makes a venv with it) and Java 17.
"""

import argparse
import os
import shlex

from pyspark import SparkConf, SparkContext


def main():
    parser = argparse.ArgumentParser(description="Code a JSON Lines input with Spark's rdd.pipe and verbatim.")
    parser.add_argument("input")
    parser.add_argument("outdir", help="folder for the coded shards (must not exist)")
    parser.add_argument("--verbatim", required=True, help="the verbatim binary (on every worker)")
    parser.add_argument("--pipeline", default="Corpora/collab2008/pipeline.yaml")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--partitions", type=int, default=4, help="minimum number of input partitions")
    parser.add_argument("--with-text", action="store_true", help="keep each answer's text (merge needs it for quotes)")
    args = parser.parse_args()

    # One worker thread per verbatim process: Spark already runs one task per core.
    command = [os.path.abspath(args.verbatim), "run", "-", "--out", "-", "--threads", "1",
               "--pipeline", os.path.abspath(args.pipeline)]
    if args.with_text:
        command.append("--with-text")

    conf = SparkConf().setMaster(args.master).setAppName("verbatim-pipe").set("spark.ui.enabled", "false")
    sc = SparkContext(conf=conf)
    sc.setLogLevel("WARN")
    try:
        lines = sc.textFile("file://" + os.path.abspath(args.input), minPartitions=args.partitions)
        coded = lines.pipe(shlex.join(command), checkCode=True)
        coded.saveAsTextFile("file://" + os.path.abspath(args.outdir))
        print(f"spark: {lines.getNumPartitions()} partitions piped through verbatim into {args.outdir}")
    finally:
        sc.stop()


if __name__ == "__main__":
    main()

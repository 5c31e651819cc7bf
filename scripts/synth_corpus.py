#!/usr/bin/env python3
"""A deterministic synthetic survey corpus made by recombining the sentences of the bundled answers.

Each synthetic answer takes its question from the bundled distribution (Q8 most, Q3 least) and 1 to 6
sentences drawn from the bundled answers to that question, so the wording, the themes and the question
framing stay realistic while the corpus grows to any size. At about 460 bytes a line, 1M answers are
about 460 MB, the size a national consultation reaches.

The random numbers come from SplitMix64, written out here, so the same seed gives the same file on any
Python version (the `random` module makes no such promise). Ids are S0000001, S0000002, ...: sorted ids
are the input order.

Usage: scripts/synth_corpus.py [-n 100000] [--seed 2008] [--source Corpora/collab2008/responses.jsonl] [-o FILE]
"""

import argparse
import json
import re
import sys

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        # n is tiny next to 2^64, so the modulo bias is negligible and the result deterministic.
        return self.next() % n


# A sentence ends at . ! or ? followed by white space; good enough for recombining answers.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def load_pools(path):
    """Sentences by question, in file order, and the questions in first-seen order with their counts."""
    pools, counts, order = {}, {}, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            record = json.loads(line)
            question = record.get("question") or "(none)"
            if question not in pools:
                pools[question] = []
                counts[question] = 0
                order.append(question)
            counts[question] += 1
            pools[question].extend(s for s in SENTENCE_END.split(record["text"].strip()) if s)
    return pools, counts, order


def generate(n, seed, source, out):
    pools, counts, order = load_pools(source)
    # One slot per bundled answer: drawing a slot draws a question with the bundled frequencies.
    slots = [q for q in order for _ in range(counts[q])]
    rng = SplitMix64(seed)
    width = max(7, len(str(n)))
    written = 0
    for i in range(1, n + 1):
        question = slots[rng.below(len(slots))]
        pool = pools[question]
        k = 1 + rng.below(6)
        text = " ".join(pool[rng.below(len(pool))] for _ in range(k))
        line = json.dumps({"id": f"S{i:0{width}d}", "question": question, "text": text}, ensure_ascii=False) + "\n"
        out.write(line)
        written += len(line.encode("utf-8"))
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--responses", type=int, default=100_000, help="number of answers (default 100000)")
    parser.add_argument("--seed", type=int, default=2008, help="random seed (default 2008)")
    parser.add_argument("--source", default="Corpora/collab2008/responses.jsonl", help="the answers to recombine")
    parser.add_argument("-o", "--output", default="-", help="output JSONL file (default: standard output)")
    args = parser.parse_args()
    if args.responses < 0:
        parser.error("--responses must be 0 or more")
    if args.output == "-":
        size = generate(args.responses, args.seed, args.source, sys.stdout)
    else:
        # Written beside the target and renamed, so an interrupted run leaves no truncated corpus.
        temporary = args.output + ".partial"
        with open(temporary, "w", encoding="utf-8", newline="\n") as f:
            size = generate(args.responses, args.seed, args.source, f)
        import os
        os.replace(temporary, args.output)
    print(f"{args.responses} synthetic answers, {size / 1e6:.1f} MB (seed {args.seed})", file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The Python peer of Verbatim for side-by-side benchmarks: what a competent analyst would write.

Regex word tokens, Snowball English stems from PyStemmer, a stemmed keyword dictionary built from the
bundled codebook's own terms, and VADER sentiment (vaderSentiment). It reads JSON Lines answers
({"id", "question", "text"}) and writes one JSON line per answer: {"id", "themes", "sentiment"}.

The dictionary keeps the codebook's words, phrases, exact forms (=word), prefixes (word*), alternatives
(a|b), concepts (@name), NEAR/n and BEFORE/n, rule weights and the theme threshold, matched through an
index on each phrase's first word (not a scan over every term). It leaves out what a keyword
dictionary usually lacks: exclusions (unless), negation, per-question themes, parent roll-ups and
case-sensitive forms. So it does comparable work per answer, not the same coding.

Usage: peer_pipeline.py INPUT.jsonl [--codebook Corpora/collab2008/codebook.yaml] [--out FILE]
                        [--no-sentiment] [--limit N]
Needs: pip install PyStemmer vaderSentiment pyyaml (scripts/bench-vs-peer makes a venv with them).
"""

import argparse
import json
import re
import sys
import time

import Stemmer
import yaml

WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
PROXIMITY = re.compile(r"\s+(NEAR|BEFORE)/(\d+)\s+")


def words(text):
    return [w.lower().replace("\u2019", "'") for w in WORD.findall(text)]


class Dictionary:
    """Codebook rules compiled into an index of phrase alternatives keyed by their first word."""

    def __init__(self, path, stemmer):
        with open(path, encoding="utf-8") as f:
            book = yaml.safe_load(f)
        settings = book.get("settings") or {}
        self.stem = stemmer.stemWord
        self.concepts = {name: [str(p) for p in (members or [])] for name, members in (book.get("concepts") or {}).items()}
        default_weight = float(settings.get("weight", 1))
        default_threshold = float(settings.get("threshold", 1))
        self.themes = []  # (id, threshold)
        self.rules = []  # (theme index, weight)
        self.units = []  # (rule index, left alternatives, right alternatives or None, distance, ordered)
        for theme in book.get("themes") or []:
            t = len(self.themes)
            self.themes.append((theme["id"], float(theme.get("threshold", default_threshold))))
            for rule in theme.get("rules") or []:
                if isinstance(rule, dict):
                    patterns, weight = rule.get("match"), float(rule.get("weight", default_weight))
                else:
                    patterns, weight = rule, default_weight
                if not isinstance(patterns, list):
                    patterns = [patterns]
                r = len(self.rules)
                self.rules.append((t, weight))
                for p in patterns:
                    self.add_pattern(r, str(p))
        # Index: first-position key -> [(unit, side, phrase)]; prefixes by the prefix itself, looked up
        # with each leading part of a token.
        self.exact, self.stems, self.prefixes = {}, {}, {}
        for u, (_, left, right, _, _) in enumerate(self.units):
            for side, alternatives in ((0, left), (1, right)):
                for phrase in alternatives or []:
                    # Every alternative of the first position must lead to the phrase.
                    for kind, key in phrase[0]:
                        entry = (u, side, phrase)
                        table = self.prefixes if kind == "prefix" else self.exact if kind == "exact" else self.stems
                        table.setdefault(key, []).append(entry)
        self.longest_prefix = max((len(p) for p in self.prefixes), default=0)

    def add_pattern(self, rule, text):
        parts = PROXIMITY.split(text.strip())
        left = self.phrases(parts[0])
        if len(parts) == 4:
            self.units.append((rule, left, self.phrases(parts[3]), int(parts[2]), parts[1] == "BEFORE"))
        else:
            self.units.append((rule, left, None, 0, False))

    def phrases(self, text, depth=0):
        """A pattern side -> alternative phrases, each a list of positions of (kind, key) alternatives."""
        text = text.strip()
        if text.startswith("@") and " " not in text and depth < 8:
            return [p for member in self.concepts.get(text[1:], []) for p in self.phrases(member, depth + 1)]
        positions = []
        for token in text.split():
            alternatives = []
            for alt in token.split("|"):
                if alt.startswith("@"):
                    for member in self.concepts.get(alt[1:], []):
                        alternatives.extend(self.keys(w) for w in words(member)[:1])
                    continue
                alternatives.append(self.keys(alt))
            # A hyphenated or apostrophe word becomes several positions, as the tokeniser splits it.
            split = [words(a[1]) if a[0] != "prefix" else [a[1]] for a in alternatives]
            if all(len(s) <= 1 for s in split):
                positions.append([a for a in alternatives if a[1]])
            else:
                for w in split[0]:
                    positions.append([self.keys(w)])
        positions = [p for p in positions if p]
        return [positions] if positions else []

    def keys(self, word):
        if word.startswith("="):
            return ("exact", word[1:].lower())
        if word.endswith("*"):
            return ("prefix", word[:-1].lower())
        w = words(word)
        return ("stem", self.stem(w[0]) if w else "")

    def code(self, tokens, stems):
        n = len(tokens)
        hits = {}  # unit -> ([left spans], [right spans])
        for i in range(n):
            token = tokens[i]
            candidates = self.exact.get(token, []) + self.stems.get(stems[i], [])
            for length in range(1, min(len(token), self.longest_prefix) + 1):
                candidates += self.prefixes.get(token[:length], ())
            for u, side, phrase in candidates:
                # The index already matched the first position; check the rest of a phrase.
                end = i + len(phrase)
                if end > n:
                    continue
                if end == i + 1 or all(self.matches(tokens[i + k], stems[i + k], phrase[k]) for k in range(1, len(phrase))):
                    hits.setdefault(u, ([], []))[side].append((i, end))
        fired = set()
        for u, (left, right) in hits.items():
            rule, _, right_alts, distance, ordered = self.units[u]
            if right_alts is None:
                if left:
                    fired.add(rule)
                continue
            for a in left:
                if any(
                    (b[0] >= a[1] and b[0] - a[1] <= distance) or (not ordered and a[0] >= b[1] and a[0] - b[1] <= distance)
                    for b in right
                ):
                    fired.add(rule)
                    break
        scores = {}
        for rule in fired:
            t, weight = self.rules[rule]
            scores[t] = scores.get(t, 0) + weight
        return sorted(self.themes[t][0] for t, s in scores.items() if s >= self.themes[t][1] - 1e-9)

    @staticmethod
    def matches(token, stem, alternatives):
        for kind, key in alternatives:
            if kind == "exact" and token == key:
                return True
            if kind == "stem" and stem == key:
                return True
            if kind == "prefix" and token.startswith(key):
                return True
        return False


def main():
    parser = argparse.ArgumentParser(description="The Python peer pipeline (regex, PyStemmer, dictionary, VADER).")
    parser.add_argument("input", help="JSON Lines answers")
    parser.add_argument("--codebook", default="Corpora/collab2008/codebook.yaml")
    parser.add_argument("--out", default="-", help="coded JSON Lines (default: standard output)")
    parser.add_argument("--no-sentiment", action="store_true", help="dictionary coding only, no VADER")
    parser.add_argument("--limit", type=int, default=0, help="read at most this many answers (0: all)")
    args = parser.parse_args()

    stemmer = Stemmer.Stemmer("english")
    dictionary = Dictionary(args.codebook, stemmer)
    analyzer = None
    if not args.no_sentiment:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        analyzer = SentimentIntensityAnalyzer()

    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    started = time.monotonic()
    count = size = 0
    with open(args.input, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            if args.limit and count >= args.limit:
                break
            size += len(line.encode("utf-8"))
            record = json.loads(line)
            text = record.get("text") or ""
            tokens = words(text)
            stems = stemmer.stemWords(tokens)
            result = {"id": record.get("id"), "themes": dictionary.code(tokens, stems)}
            if analyzer is not None:
                score = analyzer.polarity_scores(text)["compound"]
                label = "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"
                result["sentiment"] = {"label": label, "score": round(score, 4)}
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            count += 1
    if out is not sys.stdout:
        out.close()
    seconds = time.monotonic() - started
    print(f"peer: {count} answers, {size / 1e6:.1f} MB in {seconds:.2f} s "
          f"({count / max(seconds, 1e-9):.0f} answers/s, {size / 1e6 / max(seconds, 1e-9):.2f} MB/s)", file=sys.stderr)


if __name__ == "__main__":
    main()

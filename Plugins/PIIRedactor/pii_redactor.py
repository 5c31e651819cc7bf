#!/usr/bin/env python3
"""PII redactor: a Verbatim process stage (protocol 1, see docs/stage-protocol.md).

Blanks e-mail addresses, UK phone numbers, UK postcodes, National Insurance numbers and person
names before quotes leave the building. Names come from a configurable list plus a capitalisation
heuristic (an honorific followed by capitalised words, or a listed first name followed by a
capitalised word). Each redaction becomes a placeholder such as [EMAIL]; the answer returns the new
text with an offset map, so later stages and the evidence offsets stay exact.

Settings (the pipeline's `options.settings`, or command-line flags):
  names:        list of names to redact wherever they appear (any capitalisation)
  names_file:   a file of such names, one per line (relative to the pipeline file)
  first_names:  list of first names that start a "First Last" name
  placeholders: true (default) for [EMAIL]-style placeholders, false for a row of "█"
Needs only the Python standard library.
"""
import json
import os
import re
import sys

PROTOCOL = 1

EMAIL = re.compile(r"[\w.%+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
# UK numbers: +44 or 0, then 9-10 more digits, with optional spaces, dashes, dots or brackets.
PHONE = re.compile(
    r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}(?!\w)"
)
POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b")
NI_NUMBER = re.compile(
    r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"
)
HONORIFIC = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Lord|Lady|Rev|Cllr)\.?"
    r"(?:\s+[A-Z][a-z'’-]+){1,3}"
)
CAPITALISED = r"[A-Z][a-z'’-]+"
DEFAULT_FIRST_NAMES = {
    "adam", "alan", "alice", "amanda", "amy", "andrew", "angela", "ann", "anna", "anne", "anthony",
    "barbara", "ben", "brian", "carol", "catherine", "charles", "chris", "christine", "claire",
    "daniel", "david", "deborah", "elizabeth", "emma", "fiona", "gareth", "gary", "george", "graham",
    "helen", "ian", "jack", "james", "jane", "janet", "jennifer", "jenny", "joanne", "john", "jonathan",
    "julia", "julie", "karen", "kate", "katherine", "kevin", "laura", "linda", "lisa", "louise",
    "margaret", "mark", "martin", "mary", "matthew", "michael", "michelle", "neil", "nicola", "nigel",
    "patricia", "paul", "peter", "philip", "rachel", "richard", "robert", "ruth", "sarah", "simon",
    "stephen", "steve", "susan", "thomas", "tim", "tom", "tony", "victoria", "william",
}


class Redactor:
    def __init__(self, settings):
        self.placeholders = settings.get("placeholders", True) is not False
        names = [n for n in settings.get("names", []) if isinstance(n, str) and n.strip()]
        names_file = settings.get("names_file")
        if names_file:
            with open(names_file, encoding="utf-8") as handle:
                names += [line.strip() for line in handle if line.strip() and not line.startswith("#")]
        first = settings.get("first_names")
        self.first_names = {n.lower() for n in first} if first else DEFAULT_FIRST_NAMES
        patterns = [(EMAIL, "EMAIL"), (NI_NUMBER, "NI NUMBER"), (POSTCODE, "POSTCODE"), (PHONE, "PHONE")]
        if names:
            listed = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
            patterns.append((re.compile(r"\b(?:%s)\b" % listed, re.IGNORECASE), "NAME"))
        patterns.append((HONORIFIC, "NAME"))
        first_names = "|".join(sorted(self.first_names, key=len, reverse=True))
        patterns.append((re.compile(r"\b(?:%s)\s+%s\b" % (first_names.title(), CAPITALISED)), "NAME"))
        self.patterns = patterns

    def spans(self, text):
        """Non-overlapping (start, end, kind) spans, earliest and longest first."""
        found = []
        for pattern, kind in self.patterns:
            for m in pattern.finditer(text):
                if m.end() > m.start():
                    found.append((m.start(), m.end(), kind))
        found.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        chosen, last_end = [], 0
        for start, end, kind in found:
            if start >= last_end:
                chosen.append((start, end, kind))
                last_end = end
        return chosen

    def redact(self, text):
        pieces, edits, position = [], [], 0
        for start, end, kind in self.spans(text):
            replacement = "[%s]" % kind if self.placeholders else "█" * (end - start)
            pieces.append(text[position:start])
            pieces.append(replacement)
            edits.append({"start": start, "end": end, "length": len(replacement)})
            position = end
        pieces.append(text[position:])
        return "".join(pieces), edits


def answer(redactor, request):
    text = request.get("text", "")
    new_text, edits = redactor.redact(text)
    reply = {"seq": request["seq"], "id": request["id"]}
    if edits:
        reply["text"] = new_text
        reply["edits"] = edits
        reply["annotations"] = {"redactions": len(edits)}
    return reply


def main(argv):
    settings = {}
    args = argv[1:]
    while args:
        flag = args.pop(0)
        if flag == "--names-file" and args:
            settings["names_file"] = args.pop(0)
        elif flag == "--names" and args:
            settings["names"] = [n.strip() for n in args.pop(0).split(",")]
        elif flag == "--no-placeholders":
            settings["placeholders"] = False
        else:
            sys.stderr.write("pii_redactor: unknown argument %r\n" % flag)
            return 2
    redactor = None
    pending = b""
    while True:
        chunk = os.read(0, 1 << 16)
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        out = []
        for line in lines:
            if not line.strip():
                continue
            message = json.loads(line)
            if message.get("type") == "hello":
                options = message.get("options") or {}
                if isinstance(options, dict):
                    settings = {**options, **settings}
                redactor = Redactor(settings)
                out.append({"type": "hello", "protocol": PROTOCOL, "name": "pii-redactor", "version": 1,
                            "requires": [], "assigns": ["text"]})
            else:
                out.append(answer(redactor or Redactor(settings), message))
        if out:
            data = "".join(json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n" for o in out)
            os.write(1, data.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

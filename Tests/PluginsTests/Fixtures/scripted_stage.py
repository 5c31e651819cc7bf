#!/usr/bin/env python3
"""A process stage for tests: behaves well or breaks the protocol in one chosen way.

Usage: scripted_stage.py MODE [N]
  ok          answers every request, coding the word "budget" as theme "money"
  crash N     answers N requests, then exits with status 3
  hang N      answers N requests, then stops answering
  malformed   answers with a line that is not JSON
  offsets     codes a span beyond the end of the text
  edits       returns a new text whose edits do not add up
  wrongseq    answers with the wrong seq
  error       answers with {"error": "..."}
  nohello     never answers the handshake
  badhello    answers the handshake with protocol 99
"""
import json
import os
import sys
import time

mode = sys.argv[1]
limit = int(sys.argv[2]) if len(sys.argv) > 2 else 0
answered = 0
pending = b""
while True:
    chunk = os.read(0, 1 << 16)
    if not chunk:
        break
    pending += chunk
    *lines, pending = pending.split(b"\n")
    out = []
    for line in lines:
        message = json.loads(line)
        if message.get("type") == "hello":
            if mode == "nohello":
                time.sleep(60)
            version = 99 if mode == "badhello" else 1
            out.append(json.dumps({"type": "hello", "protocol": version, "name": "scripted", "version": 1,
                                   "requires": [], "assigns": ["codes"]}))
            continue
        if mode == "crash" and answered >= limit:
            sys.stderr.write("scripted stage: simulated crash\n")
            os.write(1, "".join(o + "\n" for o in out).encode())
            sys.exit(3)
        if mode == "hang" and answered >= limit:
            os.write(1, "".join(o + "\n" for o in out).encode())
            time.sleep(60)
        seq, rid, text = message["seq"], message["id"], message["text"]
        reply = {"seq": seq, "id": rid}
        if mode == "malformed":
            out.append("{this is not json")
            answered += 1
            continue
        if mode == "wrongseq":
            reply["seq"] = seq + 5
        if mode == "error":
            reply["error"] = "cannot classify this one"
        if mode == "offsets":
            reply["codes"] = [{"theme": "money", "evidence": [{"start": 0, "end": len(text) + 10}]}]
        if mode == "edits":
            reply["text"] = text + "!!"
            reply["edits"] = [{"start": 0, "end": 1, "length": 1}]
        if mode in ("ok", "crash", "hang"):
            at = text.find("budget")
            if at >= 0:
                reply["codes"] = [{"theme": "money", "evidence": [{"start": at, "end": at + 6, "rule": "word budget"}]}]
            reply["annotations"] = {"length": len(text)}
        out.append(json.dumps(reply, ensure_ascii=False))
        answered += 1
    if out:
        os.write(1, "".join(o + "\n" for o in out).encode())

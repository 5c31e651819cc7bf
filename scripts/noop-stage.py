#!/usr/bin/env python3
"""The smallest useful process stage: answers every request with nothing. Used to measure the
host's per-response overhead for process stages (scripts/bench-exec-stage)."""
import json
import os

pending = b""
while True:
    chunk = os.read(0, 1 << 20)
    if not chunk:
        break
    pending += chunk
    *lines, pending = pending.split(b"\n")
    out = []
    for line in lines:
        message = json.loads(line)
        if message.get("type") == "hello":
            out.append('{"type":"hello","protocol":1,"name":"noop","version":1,"requires":[],"assigns":[]}')
        else:
            out.append('{"seq":%d,"id":%s}' % (message["seq"], json.dumps(message["id"])))
    if out:
        os.write(1, ("\n".join(out) + "\n").encode())

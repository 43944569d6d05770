#!/usr/bin/env python3
"""Slow clients for the denial-of-service scenario: from each source address,
PER connections to 127.0.0.1:PORT that send a request one byte every STEP
seconds, for DURATION seconds, reconnecting whenever the server closes one.

Prints one line: closed=N (connections the server closed after they had
lived 0.2 s or more), refused=N (closed at once: a per-address limit),
max_life=S (the longest any closed connection lived) and oldest_open=S (the
age of the oldest connection still open at the end).  A server without a
total request deadline keeps trickled connections for ever: oldest_open
then reaches DURATION."""
import socket
import sys
import time

port, addrs, per = int(sys.argv[1]), sys.argv[2].split(","), int(sys.argv[3])
step, duration = float(sys.argv[4]), float(sys.argv[5])
request = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 400 + b"\r\n\r\n"


def connect(addr):
    s = socket.socket()
    try:
        s.bind((addr, 0))
        s.settimeout(1)
        s.connect(("127.0.0.1", port))
    except OSError:
        s.close()
        return None
    s.setblocking(False)
    now = time.monotonic()
    return {"s": s, "born": now, "sent": 0, "last": now - step}


def server_closed(c):
    try:
        return c["s"].recv(4096) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


slots = [[a, None] for a in addrs for _ in range(per)]
closed = refused = 0
max_life = 0.0
end = time.monotonic() + duration
while time.monotonic() < end:
    now = time.monotonic()
    for slot in slots:
        c = slot[1]
        if c is None:
            slot[1] = connect(slot[0])
            continue
        if server_closed(c):
            life = now - c["born"]
            if life < 0.2:
                refused += 1
            else:
                closed += 1
                max_life = max(max_life, life)
            c["s"].close()
            slot[1] = None
            continue
        if c["sent"] < len(request) and now - c["last"] >= step:
            try:
                c["s"].send(request[c["sent"]:c["sent"] + 1])
                c["sent"] += 1
                c["last"] = now
            except OSError:
                pass
    time.sleep(0.05)
now = time.monotonic()
oldest = max((now - s[1]["born"] for s in slots if s[1]), default=0.0)
print(f"closed={closed} refused={refused} max_life={max_life:.1f} oldest_open={oldest:.1f}")

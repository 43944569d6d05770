#!/usr/bin/env python3
"""Times what charon itself needs for each VICI command one ikewatch scrape
sends, with a client that does nothing but read the bytes.

Usage: vici_phases.py SOCKET [ROUNDS]

Sends, on one connection, the sequence of ikewatch's VICI collector
(src/collect/strongswan.c): version, stats, list-conns (streamed list-conn
events), list-sas with noblock=yes (streamed list-sa events), stats; then,
for comparison, list-sas without noblock, as `swanctl --list-sas` asks.
Prints one line per command: "<command> <seconds> <events> <bytes>" (the
median over ROUNDS, default 3), so that ikewatch's collection time can be
split into charon's share and ikewatch's own.  Only talks to the given Unix
socket.  Independent of ikewatch's code.
"""
import socket
import statistics
import struct
import sys
import time

CMD_REQUEST, CMD_RESPONSE, CMD_UNKNOWN = 0, 1, 2
EVENT_REGISTER, EVENT_UNREGISTER, EVENT_CONFIRM, EVENT_UNKNOWN, EVENT = 3, 4, 5, 6, 7


class Conn:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.buf = bytearray()

    def send(self, op, name=None, msg=b""):
        body = bytes([op])
        if name is not None:
            body += bytes([len(name)]) + name.encode()
        body += msg
        self.s.sendall(struct.pack(">I", len(body)) + body)

    def _fill(self, n):
        while len(self.buf) < n:
            chunk = self.s.recv(1 << 20)
            if not chunk:
                raise EOFError("charon closed the connection")
            self.buf += chunk

    def recv(self):
        self._fill(4)
        (length,) = struct.unpack(">I", self.buf[:4])
        self._fill(4 + length)
        pkt = bytes(self.buf[4:4 + length])
        del self.buf[:4 + length]
        op = pkt[0]
        name = None
        if op == EVENT:
            n = pkt[1]
            name = pkt[2:2 + n].decode()
        return op, name, len(pkt)

    def call(self, cmd, event=None, req=b""):
        """Returns (seconds, events, bytes) of one command."""
        t0 = time.monotonic()
        if event:
            self.send(EVENT_REGISTER, event)
            op, _, _ = self.recv()
            if op != EVENT_CONFIRM:
                raise RuntimeError(f"cannot register {event}")
        self.send(CMD_REQUEST, cmd, req)
        events = size = 0
        while True:
            op, name, n = self.recv()
            size += n
            if op == EVENT and name == event:
                events += 1
                continue
            if op == CMD_RESPONSE:
                break
            if op == CMD_UNKNOWN:
                raise RuntimeError(f"unknown command {cmd}")
        if event:
            self.send(EVENT_UNREGISTER, event)
            while self.recv()[0] != EVENT_CONFIRM:
                pass
        return time.monotonic() - t0, events, size


def kv(name, value):
    return (bytes([3, len(name)]) + name.encode() +
            struct.pack(">H", len(value)) + value.encode())


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    path = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) == 3 else 3
    steps = [
        ("version", None, b""),
        ("stats", None, b""),
        ("list-conns", "list-conn", b""),
        ("list-sas(noblock)", "list-sa", kv("noblock", "yes")),
        ("stats", None, b""),
    ]
    res = {}
    order = []
    for _ in range(rounds):
        c = Conn(path)
        t0 = time.monotonic()
        for i, (cmd, ev, req) in enumerate(steps):
            key = f"{i}:{cmd}"
            if key not in res:
                res[key] = []
                order.append(key)
            res[key].append(c.call(cmd.split("(")[0], ev, req))
        seq = time.monotonic() - t0
        res.setdefault("sequence", []).append((seq, 0, 0))
        # what swanctl --list-sas asks: no noblock
        res.setdefault("list-sas(blocking)", []).append(c.call("list-sas", "list-sa"))
        c.s.close()
    for key in order + ["sequence", "list-sas(blocking)"]:
        v = res[key]
        name = key.split(":", 1)[-1]
        print(f"{name} {statistics.median(x[0] for x in v):.6f} "
              f"{v[0][1]} {v[0][2]}")


if __name__ == "__main__":
    main()

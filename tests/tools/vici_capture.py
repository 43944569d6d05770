#!/usr/bin/env python3
"""Captures raw VICI messages from a running charon as test fixtures.

Usage: vici_capture.py SOCKET OUTDIR
       vici_capture.py --events SECONDS SOCKET OUTDIR
Writes OUTDIR/<command>.bin (the response message) and, for streamed
commands, OUTDIR/<event>-<n>.bin (each event message), exactly as charon sent
them, so parser tests run on real bytes.  Independent of ikewatch's codec.
"""
import os
import socket
import struct
import sys

CMD_REQUEST, CMD_RESPONSE, CMD_UNKNOWN = 0, 1, 2
EVENT_REGISTER, EVENT_UNREGISTER, EVENT_CONFIRM, EVENT_UNKNOWN, EVENT = 3, 4, 5, 6, 7


def send(sock, op, name=None, msg=b""):
    body = bytes([op])
    if name is not None:
        body += bytes([len(name)]) + name.encode()
    body += msg
    sock.sendall(struct.pack(">I", len(body)) + body)


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("socket closed")
        buf += chunk
    return buf


def recv(sock):
    (length,) = struct.unpack(">I", recv_exact(sock, 4))
    pkt = recv_exact(sock, length)
    op = pkt[0]
    if op == EVENT:
        n = pkt[1]
        return op, pkt[2:2 + n].decode(), pkt[2 + n:]
    return op, None, pkt[1:]


def kv(name, value):
    return bytes([3, len(name)]) + name.encode() + struct.pack(">H", len(value)) + value.encode()


def call(sock, cmd, event, outdir, req=b""):
    if event:
        send(sock, EVENT_REGISTER, event)
        assert recv(sock)[0] == EVENT_CONFIRM
    send(sock, CMD_REQUEST, cmd, req)
    n = 0
    while True:
        op, name, msg = recv(sock)
        if op == EVENT and name == event:
            n += 1
            with open(os.path.join(outdir, f"{event}-{n}.bin"), "wb") as f:
                f.write(msg)
            continue
        if op == CMD_UNKNOWN:
            print(f"{cmd}: unknown command", file=sys.stderr)
            break
        assert op == CMD_RESPONSE, op
        with open(os.path.join(outdir, f"{cmd}.bin"), "wb") as f:
            f.write(msg)
        break
    if event:
        send(sock, EVENT_UNREGISTER, event)
        assert recv(sock)[0] == EVENT_CONFIRM


def capture_events(path, outdir, seconds):
    import time
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    for ev in ("ike-updown", "ike-rekey", "child-updown", "child-rekey", "log", "alert"):
        send(sock, EVENT_REGISTER, ev)
        op = recv(sock)[0]
        # charon before 6.0.3 has no alert event
        assert op == EVENT_CONFIRM or (ev == "alert" and op == EVENT_UNKNOWN), (ev, op)
    counts = {}
    end = time.time() + seconds
    while time.time() < end:
        sock.settimeout(max(0.1, end - time.time()))
        try:
            op, name, msg = recv(sock)
        except socket.timeout:
            break
        if op != EVENT:
            continue
        counts[name] = counts.get(name, 0) + 1
        with open(os.path.join(outdir, f"event-{name}-{counts[name]}.bin"), "wb") as f:
            f.write(msg)
    print(counts)


def main():
    if sys.argv[1] == "--events":
        os.makedirs(sys.argv[4], exist_ok=True)
        capture_events(sys.argv[3], sys.argv[4], float(sys.argv[2]))
        return
    path, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect(path)
    call(sock, "version", None, outdir)
    call(sock, "stats", None, outdir)
    call(sock, "list-conns", "list-conn", outdir)
    call(sock, "list-sas", "list-sa", outdir, kv("noblock", "yes"))
    call(sock, "list-certs", "list-cert", outdir, kv("type", "X509"))
    call(sock, "get-counters", None, outdir)
    call(sock, "list-policies", "list-policy", outdir, kv("trap", "yes"))
    call(sock, "get-pools", None, outdir)


if __name__ == "__main__":
    main()

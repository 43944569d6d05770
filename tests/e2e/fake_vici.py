#!/usr/bin/env python3
"""A misbehaving VICI peer for the fault tests: listens on a UNIX socket and
answers every request badly.

  fake_vici.py MODE SOCKET

MODE:
  stall    sends the first half of a well-framed reply, then nothing (holds
           the connection open)
  drip     sends a reply one byte per second (never finishes in time)
  garbage  sends well-framed packets full of random bytes
  noise    sends bytes with no framing at all, then closes
  huge     sends a length prefix of 0xfffffff0 and a few bytes
  close    sends half a reply and closes the connection
Runs until killed; prints "ready" once listening."""
import os
import random
import socket
import struct
import sys
import threading
import time


def reply(conn, mode):
    try:
        conn.settimeout(5)
        conn.recv(65536)  # the request; its content does not matter
        payload = bytes([1]) + os.urandom(200)  # CMD_RESPONSE + junk
        framed = struct.pack(">I", len(payload)) + payload
        if mode == "stall":
            conn.sendall(framed[: len(framed) // 2])
            time.sleep(3600)
        elif mode == "drip":
            for b in framed:
                conn.sendall(bytes([b]))
                time.sleep(1)
        elif mode == "garbage":
            for _ in range(20):
                junk = os.urandom(random.randint(1, 400))
                conn.sendall(struct.pack(">I", len(junk)) + junk)
            time.sleep(3600)
        elif mode == "noise":
            conn.sendall(os.urandom(3000))
        elif mode == "huge":
            conn.sendall(struct.pack(">I", 0xFFFFFFF0) + b"\x01" * 64)
            time.sleep(3600)
        elif mode == "close":
            conn.sendall(framed[:10])
    except OSError:
        pass
    finally:
        conn.close()


def main():
    mode, path = sys.argv[1], sys.argv[2]
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(64)
    print("ready", flush=True)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=reply, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()

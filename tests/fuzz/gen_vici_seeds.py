#!/usr/bin/env python3
"""Writes the seed corpus for fuzz_vici into tests/fuzz/corpus/vici/.

Each seed is either a bare VICI message or a packet payload (type byte,
optional name, message; no 4-byte length prefix), since the target tries
its input both ways.  Valid seeds cover every element and packet type and a
list-sa event shaped like charon's; the bad_* seeds each break one rule.
Run from anywhere: python3 tests/fuzz/gen_vici_seeds.py
"""
import os
import struct

SECTION_START, SECTION_END, KEY_VALUE, LIST_START, LIST_ITEM, LIST_END = range(1, 7)
(CMD_REQUEST, CMD_RESPONSE, CMD_UNKNOWN, EVENT_REGISTER, EVENT_UNREGISTER,
 EVENT_CONFIRM, EVENT_UNKNOWN, EVENT) = range(8)


def name(s):
    b = s.encode()
    return bytes([len(b)]) + b


def value(v):
    b = v if isinstance(v, bytes) else str(v).encode()
    return struct.pack(">H", len(b)) + b


def encode(tree):
    """tree: list of (key, value) where value is str/int/bytes (key-value),
    list (list items) or dict-like list of pairs (section, given as tuple)."""
    out = b""
    for key, val in tree:
        if isinstance(val, tuple):
            out += bytes([SECTION_START]) + name(key) + encode(val) + bytes([SECTION_END])
        elif isinstance(val, list):
            out += bytes([LIST_START]) + name(key)
            out += b"".join(bytes([LIST_ITEM]) + value(i) for i in val)
            out += bytes([LIST_END])
        else:
            out += bytes([KEY_VALUE]) + name(key) + value(val)
    return out


def packet(op, msg=b"", pname=None):
    return bytes([op]) + (name(pname) if pname is not None else b"") + msg


def sec(*pairs):
    return tuple(pairs)


LIST_SA = encode([
    ("gw-gw", sec(
        ("uniqueid", 3), ("version", 2), ("state", "ESTABLISHED"),
        ("local-host", "192.0.2.1"), ("local-port", 4500),
        ("local-id", "moon.strongswan.org"),
        ("remote-host", "192.0.2.2"), ("remote-port", 4500),
        ("remote-id", "sun.strongswan.org"),
        ("initiator", "yes"),
        ("initiator-spi", "6fce1b4dd5bd9e53"), ("responder-spi", "b8e1b2d0d9e9d3a3"),
        ("nat-remote", "yes"),
        ("encr-alg", "AES_GCM_16"), ("encr-keysize", 256),
        ("prf-alg", "PRF_HMAC_SHA2_256"), ("dh-group", "CURVE_25519"),
        ("established", 1321), ("rekey-time", 12442), ("reauth-time", 0),
        ("child-sas", sec(
            ("net-net-7", sec(
                ("name", "net-net"), ("uniqueid", 7), ("reqid", 1),
                ("state", "INSTALLED"), ("mode", "TUNNEL"), ("protocol", "ESP"),
                ("encap", "yes"), ("spi-in", "c6a2d2fe"), ("spi-out", "ce4b3a11"),
                ("encr-alg", "AES_GCM_16"), ("encr-keysize", 256),
                ("bytes-in", 18446744073709551615), ("packets-in", 1200),
                ("use-in", 2), ("bytes-out", 98765), ("packets-out", 1100),
                ("rekey-time", 2911), ("life-time", 3499), ("install-time", 101),
                ("local-ts", ["10.1.0.0/16"]),
                ("remote-ts", ["10.2.0.0/16", "10.3.0.0/24"]),
            )),
        )),
        ("tasks-queued", []),
    )),
])

SEEDS = {
    # bare messages
    "msg_key_value": encode([("key1", "value1"), ("empty", ""), ("bin", b"\x00\xff\x80")]),
    "msg_sections": encode([("a", sec(("b", sec(("c", sec(("k", "v"))))), ("e", sec())))]),
    "msg_lists": encode([("list1", ["item1", "item2", ""]), ("empty", [])]),
    "msg_readme_example": encode([("key1", "value1"), ("section1", sec(
        ("sub-section", sec(("key2", "value2"))), ("list1", ["item1", "item2"])))]),
    "msg_nesting_32": b"".join(bytes([SECTION_START]) + name("s") for _ in range(32))
    + bytes([SECTION_END]) * 32,
    "msg_list_sa": LIST_SA,
    # get-counters with the counters plugin: the global set is section ""
    "msg_counters_empty_section": encode([("counters", sec(
        ("", sec(("ike-rekey-init", 0), ("ike-init-in-req", 1))),
        ("gw-gw", sec(("ike-rekey-init", 2)))))]),
    # packets
    "pkt_cmd_request_list_sas": packet(CMD_REQUEST, encode([("noblock", "yes")]), "list-sas"),
    "pkt_cmd_response_version": packet(CMD_RESPONSE, encode([
        ("daemon", "charon"), ("version", "5.9.8"), ("sysname", "Linux"),
        ("release", "6.1.0-18-amd64"), ("machine", "x86_64")])),
    "pkt_cmd_unknown": packet(CMD_UNKNOWN),
    "pkt_event_register": packet(EVENT_REGISTER, pname="ike-updown"),
    "pkt_event_unregister": packet(EVENT_UNREGISTER, pname="list-sa"),
    "pkt_event_confirm": packet(EVENT_CONFIRM),
    "pkt_event_unknown": packet(EVENT_UNKNOWN),
    "pkt_event_list_sa": packet(EVENT, LIST_SA, "list-sa"),
    "pkt_event_ike_updown": packet(EVENT, encode([("up", "yes"), ("gw-gw", sec(("uniqueid", 3)))]),
                                   "ike-updown"),
    # malformed: each breaks one rule
    "bad_truncated_value": bytes([KEY_VALUE]) + name("k") + b"\x00\x05ab",
    "bad_kv_in_list": bytes([LIST_START]) + name("l") + bytes([KEY_VALUE]) + name("k")
    + value("v") + bytes([LIST_END]),
    "bad_unclosed_section": bytes([SECTION_START]) + name("s") + bytes([KEY_VALUE]) + name("k") + value(1),
    "bad_nonprintable_name": bytes([KEY_VALUE, 2]) + b"k\x01" + value("v"),
    "bad_nesting_33": b"".join(bytes([SECTION_START]) + name("s") for _ in range(33))
    + bytes([SECTION_END]) * 33,
    "bad_pkt_confirm_trailing": packet(EVENT_CONFIRM) + b"\x00",
    "bad_pkt_empty_name": bytes([EVENT, 0]) + encode([("k", "v")]),
    "bad_empty_kv_name": bytes([KEY_VALUE, 0]) + value("v"),
    # found by fuzz_vici: an empty section name decoded but did not re-encode
    "crash_empty_section_reencode": bytes.fromhex(
        "0101000101620101630301 6b0001760202010165 0202".replace(" ", "")),
}


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "vici")
    os.makedirs(out, exist_ok=True)
    for fname, data in sorted(SEEDS.items()):
        with open(os.path.join(out, fname), "wb") as f:
            f.write(data)
    print(f"wrote {len(SEEDS)} seeds to {out}")


if __name__ == "__main__":
    main()

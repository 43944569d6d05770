#!/usr/bin/env python3
"""Writes the seed corpus for fuzz_xfrm into tests/fuzz/corpus/xfrm/.

Each seed is one recv() buffer of a NETLINK_XFRM dump as the kernel sends
it: XFRM_MSG_NEWSA (struct xfrm_usersa_info + attributes) and
XFRM_MSG_NEWPOLICY (struct xfrm_userpolicy_info + attributes) messages, then
NLMSG_DONE; also NLMSG_ERROR, NLM_F_DUMP_INTR and NOOP.  The bad_* seeds
each break one length rule.  Layouts are those of <linux/xfrm.h> on x86_64
(little endian); the sizes are asserted.
Run from anywhere: python3 tests/fuzz/gen_xfrm_seeds.py
"""
import os
import socket
import struct

NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE = 1, 2, 3
XFRM_MSG_NEWSA, XFRM_MSG_NEWPOLICY = 0x10, 0x13
NLM_F_MULTI, NLM_F_DUMP_INTR = 0x2, 0x10
(XFRMA_ALG_AUTH, XFRMA_ALG_CRYPT, XFRMA_ALG_COMP, XFRMA_ENCAP, XFRMA_TMPL) = range(1, 6)
XFRMA_REPLAY_VAL = 10
XFRMA_POLICY_TYPE = 16
XFRMA_ALG_AEAD = 18
XFRMA_ALG_AUTH_TRUNC = 20
XFRMA_MARK = 21
XFRMA_REPLAY_ESN_VAL = 23
XFRMA_IF_ID = 31
INF = (1 << 64) - 1
SEQ = 7


def align4(b):
    return b + b"\0" * (-len(b) % 4)


def addr(s):
    if ":" in s:
        return socket.inet_pton(socket.AF_INET6, s)
    return socket.inet_pton(socket.AF_INET, s) + b"\0" * 12


def family(s):
    return socket.AF_INET6 if ":" in s else socket.AF_INET


def selector(src="10.1.0.0", dst="10.2.0.0", plen_s=16, plen_d=24, proto=0):
    b = addr(dst) + addr(src)
    b += struct.pack(">HHHH", 0, 0, 0, 0)
    b += struct.pack("<HBBB3xiI", family(src), plen_d, plen_s, proto, 0, 0)
    assert len(b) == 56
    return b


def lifetimes(soft_bytes=INF, hard_bytes=INF, soft_add=3000, hard_add=3600):
    cfg = struct.pack("<8Q", soft_bytes, hard_bytes, INF, INF,
                      soft_add, hard_add, 0, 0)
    cur = struct.pack("<4Q", 123456, 789, 1700000000, 1700000005)
    return cfg + cur


def usersa_info(src, dst, spi, proto=50, mode=1, flags=0, window=32):
    b = selector()
    b += addr(dst) + struct.pack(">I", spi) + struct.pack("<B3x", proto)
    b += addr(src)
    b += lifetimes(soft_bytes=1 << 30)
    b += struct.pack("<3I", 0, 1, 2)                       # stats
    b += struct.pack("<IIHBBB7x", 0, 1, family(src), mode, window, flags)
    assert len(b) == 224, len(b)
    return b


def userpolicy_info(direction, action, index, priority=2000):
    b = selector() + lifetimes()
    b += struct.pack("<IIBBBB4x", priority, index, direction, action, 0, 0)
    assert len(b) == 168, len(b)
    return b


def attr(atype, payload):
    return align4(struct.pack("<HH", 4 + len(payload), atype) + payload)


def alg(name, key_bits, third=None):
    b = name.encode().ljust(64, b"\0") + struct.pack("<I", key_bits)
    if third is not None:
        b += struct.pack("<I", third)
    return b + b"\xaa" * (key_bits // 8)


def msg(mtype, payload, flags=NLM_F_MULTI, seq=SEQ):
    return align4(struct.pack("<IHHII", 16 + len(payload), mtype, flags, seq, 0) + payload)


def done(flags=NLM_F_MULTI):
    return msg(NLMSG_DONE, struct.pack("<i", 0), flags)


def sa_full():
    attrs = attr(XFRMA_ALG_CRYPT, alg("cbc(aes)", 256))
    attrs += attr(XFRMA_ALG_AUTH, alg("hmac(sha256)", 256))
    attrs += attr(XFRMA_ALG_AUTH_TRUNC, alg("hmac(sha256)", 256, 128))
    attrs += attr(XFRMA_REPLAY_VAL, struct.pack("<3I", 10, 20, 0xffff))
    attrs += attr(XFRMA_ENCAP, struct.pack("<H", 2) + struct.pack(">HH", 4500, 4500)
                  + b"\0" * 2 + addr("0.0.0.0"))
    attrs += attr(XFRMA_MARK, struct.pack("<II", 0x10, 0xff))
    attrs += attr(XFRMA_IF_ID, struct.pack("<I", 5))
    return msg(XFRM_MSG_NEWSA, usersa_info("192.0.2.1", "198.51.100.2", 0xc0ffee01) + attrs)


def sa_v6_esn():
    esn = struct.pack("<6I", 4, 5, 6, 1, 2, 128) + b"\0" * 16
    attrs = attr(XFRMA_ALG_AEAD, alg("rfc4106(gcm(aes))", 288, 128))
    attrs += attr(XFRMA_REPLAY_ESN_VAL, esn)
    attrs += attr(XFRMA_ALG_COMP, alg("deflate", 0))
    info = usersa_info("2001:db8::1", "2001:db8::2", 0x1234, flags=128, window=0)
    return msg(XFRM_MSG_NEWSA, info + attrs)


def policy(direction, action, index, extra=b""):
    return msg(XFRM_MSG_NEWPOLICY, userpolicy_info(direction, action, index) + extra)


def seeds():
    pols = b"".join(policy(d, a, 8 * i + d) for i, (d, a) in enumerate(
        [(0, 0), (1, 0), (2, 0), (0, 1), (1, 1), (2, 1)]))
    tmpl = attr(XFRMA_TMPL, b"\0" * 64)
    sub = attr(XFRMA_POLICY_TYPE, struct.pack("<BxHBx", 1, 0, 0))
    yield "sa_full", sa_full() + done()
    yield "sa_v6_esn", sa_v6_esn() + done()
    yield "sas_more", sa_full() + sa_v6_esn()
    yield "policies", pols + done()
    yield "policy_attrs", policy(1, 0, 9, tmpl + sub + attr(XFRMA_MARK, struct.pack("<II", 1, 1))
                                 + attr(XFRMA_IF_ID, struct.pack("<I", 3))) + done()
    yield "mixed_intr", (sa_full() + msg(NLMSG_NOOP, b"") + policy(2, 1, 3)
                         + done(NLM_F_MULTI | NLM_F_DUMP_INTR))
    yield "error_eperm", msg(NLMSG_ERROR, struct.pack("<i", -1) + struct.pack("<IHHII", 16, 0x12, 0x301, SEQ, 0), 0)
    yield "done_only", done()
    short = bytearray(sa_full())
    yield "bad_truncated", bytes(short[:-5])
    bad = msg(XFRM_MSG_NEWSA, usersa_info("192.0.2.1", "192.0.2.2", 1)
              + attr(XFRMA_ALG_CRYPT, alg("cbc(aes)", 0)[:40]))
    yield "bad_short_attr", bad


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "xfrm")
    os.makedirs(out, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print("wrote", len(list(seeds())), "seeds to", out)


if __name__ == "__main__":
    main()

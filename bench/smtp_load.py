#!/usr/bin/env python3
"""SMTP load client that measures end-of-DATA latency.

N concurrent SMTP sessions (asyncio, stdlib only) share a budget of COUNT
messages of SIZE bytes. Each session keeps its connection open and sends
MAIL / RCPT / DATA / body one message after another (no pipelining, like
smtp-source). For every message it timestamps the moment the final ".\\r\\n"
is handed to the kernel (after the body has been written and drained) and the
moment the complete reply line arrives; the difference is the
"end-of-DATA to 250" latency that a submitting client sees, i.e. the time the
relay takes to make the message durable and acknowledge it.

Output: one JSON object on stdout (or --json FILE) with counts and latency
percentiles in milliseconds. Exit status 0 if every message got a 2xx reply.

Every loop is bounded: the total message count, plus --timeout seconds for
the whole run and --io-timeout seconds for any single read.
"""
import argparse
import asyncio
import json
import math
import os
import sys
import time

CRLF = b"\r\n"


def make_body(size: int) -> bytes:
    """size bytes of plain ASCII text in 78-octet lines (CRLF included)."""
    line = b"The quick brown fox jumps over the lazy dog; sphinx of black quartz, judge"
    out = bytearray()
    n = 0
    while len(out) < size:
        text = (b"%06d " % n + line)[:76]
        out += text + CRLF
        n += 1
    del out[size:]
    # make sure the body ends in CRLF and no line starts with "."
    if not out.endswith(CRLF):
        out[-2:] = CRLF
    return bytes(out)


class SMTPError(Exception):
    pass


async def read_reply(reader, io_timeout):
    """Read a (possibly multi-line) reply; return (code, text)."""
    lines = []
    while True:
        line = await asyncio.wait_for(reader.readline(), io_timeout)
        if not line:
            raise SMTPError("connection closed by server")
        lines.append(line)
        if len(line) < 4 or line[3:4] != b"-":
            break
        if len(lines) > 100:
            raise SMTPError("reply too long")
    try:
        code = int(lines[-1][:3])
    except ValueError:
        raise SMTPError("bad reply %r" % lines[-1][:80])
    return code, b"".join(lines).decode("latin-1").strip()


async def command(reader, writer, line: bytes, io_timeout):
    writer.write(line + CRLF)
    await writer.drain()
    return await read_reply(reader, io_timeout)


class Stats:
    def __init__(self):
        self.latencies = []   # seconds, one per message that got a 2xx
        self.ok = 0
        self.failed = 0
        self.errors = {}      # message -> count
        self.sessions_opened = 0

    def error(self, what):
        what = str(what)[:120]
        self.errors[what] = self.errors.get(what, 0) + 1


async def session(sid, args, body, budget, stats, deadline):
    reader = writer = None
    try:
        while budget[0] > 0 and time.monotonic() < deadline:
            # reserve the message before any await, so sessions never overshoot
            budget[0] -= 1
            seq = args.count - budget[0]
            if writer is None:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(args.host, args.port), args.io_timeout)
                stats.sessions_opened += 1
                code, text = await read_reply(reader, args.io_timeout)
                if code != 220:
                    raise SMTPError("greeting: " + text)
                code, text = await command(reader, writer, b"EHLO load.bench.test", args.io_timeout)
                if code != 250:
                    raise SMTPError("EHLO: " + text)
            mid = "<%s.%d.%d@load.bench.test>" % (args.tag, os.getpid(), seq)
            code, text = await command(reader, writer, b"MAIL FROM:<%s>" % args.sender.encode(), args.io_timeout)
            if code != 250:
                raise SMTPError("MAIL: " + text)
            code, text = await command(reader, writer, b"RCPT TO:<%s>" % args.rcpt.encode(), args.io_timeout)
            if code not in (250, 251):
                raise SMTPError("RCPT: " + text)
            code, text = await command(reader, writer, b"DATA", args.io_timeout)
            if code != 354:
                raise SMTPError("DATA: " + text)
            header = ("From: <%s>\r\nTo: <%s>\r\nSubject: bench %d\r\nMessage-ID: %s\r\n"
                      "X-Seq: %d\r\nDate: %s\r\n\r\n" % (
                          args.sender, args.rcpt, seq, mid, seq,
                          time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()))).encode()
            writer.write(header)
            writer.write(body)
            await writer.drain()
            t0 = time.perf_counter()
            writer.write(b"." + CRLF)
            await writer.drain()
            code, text = await read_reply(reader, args.io_timeout)
            t1 = time.perf_counter()
            if 200 <= code < 300:
                stats.ok += 1
                stats.latencies.append(t1 - t0)
            else:
                stats.failed += 1
                stats.error("end of DATA: " + text)
        if writer is not None:
            try:
                await command(reader, writer, b"QUIT", args.io_timeout)
            except Exception:
                pass
    except (OSError, asyncio.TimeoutError, SMTPError) as e:
        stats.failed += 1
        stats.error("%s: %s" % (type(e).__name__, e))
    finally:
        if writer is not None:
            writer.close()
            try:
                await asyncio.wait_for(writer.wait_closed(), 5)
            except Exception:
                pass


def percentile(sorted_vals, p):
    if not sorted_vals:
        return None
    # nearest-rank percentile
    k = max(0, min(len(sorted_vals) - 1, math.ceil(p / 100.0 * len(sorted_vals)) - 1))
    return sorted_vals[k]


async def main_async(args):
    body = make_body(args.size)
    stats = Stats()
    budget = [args.count]
    start = time.monotonic()
    deadline = start + args.timeout
    tasks = [asyncio.create_task(session(i, args, body, budget, stats, deadline))
             for i in range(args.sessions)]
    await asyncio.wait(tasks, timeout=args.timeout + args.io_timeout + 5)
    for t in tasks:
        t.cancel()
    elapsed = time.monotonic() - start
    lat = sorted(stats.latencies)
    ms = lambda v: None if v is None else round(v * 1000.0, 3)
    return {
        "sessions": args.sessions,
        "size": args.size,
        "requested": args.count,
        "ok": stats.ok,
        "failed": stats.failed,
        "not_sent": max(0, budget[0]),
        "elapsed_s": round(elapsed, 3),
        "accept_rate": round(stats.ok / elapsed, 1) if elapsed > 0 else None,
        "p50_ms": ms(percentile(lat, 50)),
        "p90_ms": ms(percentile(lat, 90)),
        "p99_ms": ms(percentile(lat, 99)),
        "max_ms": ms(lat[-1] if lat else None),
        "errors": stats.errors,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--sessions", type=int, default=32)
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--size", type=int, default=5120, help="body size in bytes")
    ap.add_argument("--sender", default="load@client.bench.test")
    ap.add_argument("--rcpt", default="user@dest.bench.test")
    ap.add_argument("--tag", default="lat")
    ap.add_argument("--timeout", type=float, default=600.0, help="whole run, seconds")
    ap.add_argument("--io-timeout", type=float, default=60.0, help="one reply, seconds")
    ap.add_argument("--json", help="write the result here instead of stdout")
    args = ap.parse_args()
    if args.host not in ("127.0.0.1", "localhost", "::1") and not args.host.startswith("127."):
        sys.exit("refusing to load a non-loopback address: %s" % args.host)
    res = asyncio.run(main_async(args))
    out = json.dumps(res, indent=1)
    if args.json:
        with open(args.json, "w") as f:
            f.write(out + "\n")
    else:
        print(out)
    sys.exit(0 if res["failed"] == 0 and res["not_sent"] == 0 else 1)


if __name__ == "__main__":
    main()

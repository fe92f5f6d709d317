#!/usr/bin/env python3
"""Hostile clients against a running sealpost, while a well-behaved client
keeps sending; prints one JSON line per scenario with the good client's
latency percentiles, its failures, the peak RSS of the daemon during the
scenario and what the hostile side was answered.

Every loop is bounded in count and in time; all traffic goes to 127.0.0.0/8.

  hostile_load.py --port P --pid PID --scenario slowloris [--seconds 30]

Scenarios:
  baseline   no attack
  slowloris  1000 clients that send one byte a second (from 127.0.0.2-11)
  headers    one client sends 100 MB of header lines in DATA
  nested     a message with MIME nested 1000 deep (repeated)
  bigb64     a 1 GB base64 attachment, streamed
  zipbomb    a zip bomb attachment (1 GB of zeros, 1 MB zipped), repeated
  malformed  20 MB of malformed base64 and quoted-printable, repeated
"""
import argparse
import asyncio
import base64
import io
import json
import os
import statistics
import time
import zipfile

GOOD_FROM = "good@hosp.example"


def rss_peak_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def reset_peak(pid):
    # Linux: writing 5 to clear_refs resets the peak RSS (VmHWM).
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


async def reply(reader, timeout=60):
    """One (possibly multi-line) SMTP reply: (code, text)."""
    text = []
    while True:
        line = await asyncio.wait_for(reader.readline(), timeout)
        if not line:
            return 0, "".join(text)
        text.append(line.decode(errors="replace"))
        if len(line) < 4 or line[3:4] != b"-":
            return int(line[:3] or 0), "".join(text)


async def cmd(reader, writer, line, timeout=60):
    writer.write(line.encode() + b"\r\n")
    await writer.drain()
    return await reply(reader, timeout)


async def good_client(port, stop, lat, fails):
    """One message per transaction, timed from connect to the final 250."""
    n = 0
    while not stop.is_set() and n < 100000:
        n += 1
        t0 = time.monotonic()
        try:
            r, w = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port), 30)
            await reply(r, 30)
            await cmd(r, w, "EHLO good.test", 30)
            await cmd(r, w, f"MAIL FROM:<{GOOD_FROM}>", 30)
            await cmd(r, w, "RCPT TO:<patient@x.example>", 30)
            code, _ = await cmd(r, w, "DATA", 30)
            if code != 354:
                raise RuntimeError(f"DATA {code}")
            w.write(b"Subject: appointment\r\n\r\nSee you at 10.\r\n.\r\n")
            await w.drain()
            code, text = await reply(r, 30)
            if code != 250:
                raise RuntimeError(f"end of data {code} {text.strip()}")
            lat.append(time.monotonic() - t0)
            w.write(b"QUIT\r\n")
            w.close()
        except Exception as e:  # noqa: BLE001 - counted, not hidden
            fails.append(str(e)[:80])
        await asyncio.sleep(0.05)


async def open_from(port, source):
    return await asyncio.wait_for(
        asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0)), 30)


async def slowloris(port, stop, seen):
    """1000 connections, each sending one byte a second of an EHLO line."""
    async def one(i):
        source = f"127.0.0.{2 + i // 100}"
        try:
            r, w = await open_from(port, source)
        except Exception:  # noqa: BLE001
            seen["refused"] = seen.get("refused", 0) + 1
            return
        seen["connected"] = seen.get("connected", 0) + 1
        payload = b"EHLO slow.example.org and then some more bytes\r\n" * 20
        try:
            for b in payload:
                if stop.is_set():
                    break
                w.write(bytes([b]))
                await w.drain()
                await asyncio.sleep(1.0)
        except Exception:  # noqa: BLE001
            seen["dropped"] = seen.get("dropped", 0) + 1
        w.close()
    await asyncio.gather(*(one(i) for i in range(1000)))


async def send_data(port, body_chunks, source="127.0.0.20"):
    """MAIL/RCPT/DATA, then stream the chunks, then the end of data."""
    r, w = await open_from(port, source)
    await reply(r)
    await cmd(r, w, "EHLO hostile.test")
    await cmd(r, w, "MAIL FROM:<h@hosp.example>")
    await cmd(r, w, "RCPT TO:<v@x.example>")
    code, _ = await cmd(r, w, "DATA")
    if code != 354:
        return code, "DATA refused"
    for chunk in body_chunks:
        w.write(chunk)
        await w.drain()
    w.write(b"\r\n.\r\n")
    await w.drain()
    code, text = await reply(r, 600)
    w.close()
    return code, text.strip()[:80]


def header_lines(total):
    line = b"X-Filler: " + b"h" * 88 + b"\r\n"
    per = (1 << 20) // len(line)
    chunk = line * per
    sent = 0
    while sent < total:
        yield chunk
        sent += len(chunk)
    yield b"\r\nbody"


def nested(depth):
    parts = []
    for i in range(depth):
        parts.append(f"Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n")
    inner = "Content-Type: text/plain\r\n\r\nMRN 12345678 deep inside\r\n"
    tail = "".join(f"\r\n--b{i}--\r\n" for i in reversed(range(depth)))
    return ("Subject: nested\r\nMIME-Version: 1.0\r\n" + "".join(parts) + inner + tail).encode()


def big_base64(total):
    head = (b"Subject: big\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n"
            b"--x\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n")
    yield head
    line = base64.b64encode(os.urandom(57)) + b"\r\n"
    chunk = line * ((1 << 20) // len(line))
    sent = 0
    while sent < total:
        yield chunk
        sent += len(chunk)
    yield b"--x--"


def zip_bomb():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("records.txt", "w") as f:
            zero = b"0" * (1 << 20)
            for _ in range(1024):
                f.write(zero)
    b64 = base64.encodebytes(buf.getvalue()).replace(b"\n", b"\r\n")
    return (b"Subject: records\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n"
            b"--z\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
            b"--z\r\nContent-Type: application/zip; name=records.zip\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n" + b64 + b"--z--")


def malformed(size):
    bad_b64 = b"!!!@@@###$$$%%%^^^&&&***((()))" * 3 + b"\r\n"
    bad_qp = b"=ZZ=4=\t= =0=G" * 6 + b"=\r\n"
    n = size // 2 // len(bad_b64)
    m = size // 2 // len(bad_qp)
    return (b"Subject: garbage\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=g\r\n\r\n"
            b"--g\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n" + bad_b64 * n +
            b"--g\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + bad_qp * m +
            b"--g--")


async def repeat(port, stop, seen, body, limit=50):
    for _ in range(limit):
        if stop.is_set():
            break
        t0 = time.monotonic()
        try:
            code, text = await send_data(port, [body])
        except OSError as e:
            code, text = 0, f"connection: {e}"[:80]
        seen.setdefault("replies", []).append(code)
        seen["last"] = text
        seen.setdefault("server_seconds", []).append(round(time.monotonic() - t0, 3))


# Bodies are built before the clock starts: building them must not stall
# the good client, which shares this event loop.
PREBUILT = {}


def prebuild(name):
    if name == "nested":
        PREBUILT[name] = nested(1000)
    elif name == "zipbomb":
        PREBUILT[name] = zip_bomb()
    elif name == "malformed":
        PREBUILT[name] = malformed(20 << 20)


async def attack(name, port, stop, seen):
    if name == "baseline":
        await asyncio.sleep(0)
    elif name == "slowloris":
        await slowloris(port, stop, seen)
    elif name == "headers":
        code, text = await send_data(port, header_lines(100 << 20))
        seen.update(reply=code, text=text)
    elif name == "nested":
        await repeat(port, stop, seen, PREBUILT["nested"])
    elif name == "bigb64":
        code, text = await send_data(port, big_base64(1 << 30))
        seen.update(reply=code, text=text)
    elif name == "zipbomb":
        await repeat(port, stop, seen, PREBUILT["zipbomb"], limit=20)
    elif name == "malformed":
        await repeat(port, stop, seen, PREBUILT["malformed"], limit=10)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--seconds", type=float, default=30)
    a = ap.parse_args()
    prebuild(a.scenario)
    reset_peak(a.pid)
    stop = asyncio.Event()
    lat, fails, seen = [], [], {}
    good = asyncio.create_task(good_client(a.port, stop, lat, fails))
    started = time.monotonic()
    hostile = asyncio.create_task(attack(a.scenario, a.port, stop, seen))
    try:
        await asyncio.wait_for(asyncio.shield(hostile), a.seconds)
    except asyncio.TimeoutError:
        pass
    # The good client keeps going for the rest of the window.
    rest = a.seconds - (time.monotonic() - started)
    if rest > 0:
        await asyncio.sleep(rest)
    stop.set()
    for t in (good, hostile):
        try:
            await asyncio.wait_for(t, 120)
        except (asyncio.TimeoutError, Exception):  # noqa: BLE001
            t.cancel()
    lat.sort()
    q = (statistics.quantiles(lat, n=100) if len(lat) >= 2 else [0] * 99)
    for k in ("replies", "server_seconds"):
        if k in seen:
            vals = seen[k]
            seen[k] = {"n": len(vals), "distinct": sorted(set(vals))[:5]} if k == "replies" else \
                {"n": len(vals), "max": max(vals)}
    print(json.dumps({
        "scenario": a.scenario,
        "good_messages": len(lat),
        "good_failures": len(fails),
        "good_failure_sample": fails[:3],
        "p50_ms": round(q[49] * 1000, 1),
        "p99_ms": round(q[98] * 1000, 1),
        "max_ms": round((lat[-1] if lat else 0) * 1000, 1),
        "peak_rss_mb": round(rss_peak_kb(a.pid) / 1024, 1),
        "hostile": seen,
    }))


if __name__ == "__main__":
    asyncio.run(main())

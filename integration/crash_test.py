#!/usr/bin/env python3
"""Crash test for sealpost's durable spool (driven by crash_test.sh).

  submitter (asyncio, SESSIONS sessions) --SMTP--> sealpost --SMTP--> recording sink
                      ^ records every 250             ^ kill -9, restart, repeat

* The recording sink (a child process running this file with "sink") is an
  asyncio SMTP server on 127.0.0.1 that answers 250 to everything and, before
  it answers the final 250 of a message, appends the message's X-Seq and
  Message-ID to a file (flushed).
* The submitter sends messages with a unique X-Seq each; a message counts as
  acknowledged only when the reply to the final "." is 2xx. Acknowledged seqs
  are appended (flushed) to a file. When a session breaks (sealpost killed),
  it reconnects and continues with a NEW seq: a message whose 250 was never
  seen is not retried under the same seq, so a seq that arrives twice at the
  sink is a duplicate made by sealpost itself.
* The killer waits a random time after each restart (sealpost's "sealpost
  ready" report: it binds 127.0.0.1:0 and the port is read from the report,
  so no restart can lose its port to another process),
  sends SIGKILL, restarts sealpost with the same config and spool, and keeps
  doing so while messages are being submitted, until at least --kills kills
  happened, and at least --kills-after kills happened after the submission
  ended while sealpost still had undelivered messages (delivery-only phase).
* Then it waits until every acknowledged seq has reached the sink: it gives up
  after --drain-idle seconds without a new arrival, or --drain-max seconds in
  all.

* After every restart, `sealpost audit verify --pubkey` checks the audit log
  (a copy cut at its last complete line, since sealpost keeps writing).
* With --lazyfs (integration/powerloss_test.sh), the spool and the audit log
  live on tools/lazyfs and every kill is a power loss: right after the
  kill -9, lazyfs drops everything not yet made durable, then remounts.

Result: acknowledged, delivered, missing (acknowledged but never delivered),
duplicates (extra copies), split by cause: sealpost's own (it had seen the
sink's 250 — its log says "delivered" — and sent again: its record did not
survive), 250 in flight (the sink recorded with the session open but the kill
came before sealpost read the 250) and RFC 1047 (the session was cut before
the sink recorded: sealpost never got a 250). Exit 0 only if missing == 0,
the audit log verified every time, sealpost's own duplicates stay within
--max-dup-pct (when given), and the test ran: the required kills (and power
losses) happened, sealpost restarted every time.
"""
import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ready_report  # noqa: E402

CRLF = b"\r\n"


def log(msg):
    print("[crash %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# recording sink
# --------------------------------------------------------------------------

class RecordingSink:
    def __init__(self, record_path, delay):
        self.rec = open(record_path, "ab", buffering=0)
        self.delay = delay
        self.count = 0

    async def handle(self, reader, writer):
        async def reply(line):
            writer.write(line + CRLF)
            await writer.drain()
        try:
            await reply(b"220 sink.crash.test ESMTP recording sink")
            while True:
                line = await asyncio.wait_for(reader.readline(), 300)
                if not line:
                    return
                verb = line[:4].upper()
                if verb in (b"EHLO", b"LHLO"):
                    await reply(b"250-sink.crash.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n"
                                b"250-SIZE 104857600\r\n250 ENHANCEDSTATUSCODES")
                elif verb == b"HELO":
                    await reply(b"250 sink.crash.test")
                elif verb == b"DATA":
                    await reply(b"354 End data with <CR><LF>.<CR><LF>")
                    seq = mid = b"-"
                    in_headers = True
                    while True:
                        dl = await asyncio.wait_for(reader.readline(), 300)
                        if not dl:
                            return            # connection lost mid-message: not recorded
                        if dl in (b".\r\n", b".\n"):
                            break
                        if in_headers:
                            if dl in (b"\r\n", b"\n"):
                                in_headers = False
                            else:
                                low = dl.lower()
                                if low.startswith(b"x-seq:"):
                                    seq = dl[6:].strip()
                                elif low.startswith(b"message-id:"):
                                    mid = dl[11:].strip()
                    if self.delay:
                        await asyncio.sleep(self.delay)
                    # A relay killed while we waited never sees our 250: a
                    # later copy is its correct retry (RFC 1047), not a
                    # duplicate it made. Mark such records (gone = 1).
                    gone = reader.at_eof() or reader.exception() is not None
                    # record first, then acknowledge
                    self.rec.write(b"%s\t%s\t%.6f\t%d\n" % (seq, mid, time.time(), gone))
                    self.count += 1
                    await reply(b"250 2.0.0 Ok: recorded")
                elif verb == b"QUIT":
                    await reply(b"221 2.0.0 Bye")
                    return
                else:
                    # MAIL, RCPT, RSET, NOOP, anything else
                    await reply(b"250 2.0.0 Ok")
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()


async def sink_main(args):
    sink = RecordingSink(args.record, args.delay)
    server = await asyncio.start_server(sink.handle, "127.0.0.1", 0, limit=1 << 20)
    port = server.sockets[0].getsockname()[1]
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(port))
    os.rename(tmp, args.port_file)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    # bounded life: the sink never outlives the test by much
    try:
        await asyncio.wait_for(stop.wait(), args.max_life)
    except asyncio.TimeoutError:
        pass
    server.close()


# --------------------------------------------------------------------------
# test driver
# --------------------------------------------------------------------------

class SMTPError(Exception):
    pass


async def read_reply(reader, timeout):
    lines = []
    while True:
        line = await asyncio.wait_for(reader.readline(), timeout)
        if not line:
            raise SMTPError("connection closed")
        lines.append(line)
        if len(line) < 4 or line[3:4] != b"-" or len(lines) > 100:
            break
    try:
        code = int(lines[-1][:3])
    except ValueError:
        raise SMTPError("bad reply %r" % lines[-1][:80])
    return code, b"".join(lines).decode("latin-1").strip()


class LazyFs:
    """tools/lazyfs over WORKDIR/lazy-store, mounted at WORKDIR/mnt: the
    spool and the audit log live there, and `crash` drops everything they
    had not made durable (a power loss)."""

    def __init__(self, bin, workdir, names="posix"):
        self.bin = bin
        self.names = names
        self.store = os.path.join(workdir, "lazy-store")
        self.mnt = os.path.join(workdir, "mnt")
        self.logpath = os.path.join(workdir, "lazyfs.log")
        self.proc = None
        os.makedirs(self.mnt, exist_ok=True)

    def mounted(self):
        target = os.path.realpath(self.mnt)
        with open("/proc/self/mounts") as f:
            return any(line.split()[1] == target for line in f if len(line.split()) > 1)

    async def start(self, timeout=30):
        if self.mounted():
            raise RuntimeError("%s is still mounted" % self.mnt)
        logf = open(self.logpath, "ab")
        self.proc = await asyncio.create_subprocess_exec(
            self.bin, "--store", self.store, "--names", self.names, self.mnt,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=logf)
        logf.close()
        try:
            line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        except asyncio.TimeoutError:
            line = b""
        if not line.startswith(b"lazyfs ready"):
            try:
                with open(self.logpath, "rb") as f:
                    tail = f.read()[-800:].decode("utf-8", "replace")
            except OSError:
                tail = ""
            raise RuntimeError("lazyfs did not mount %s: %s" % (self.mnt, tail.strip()))

    async def command(self, cmd, timeout=60):
        self.proc.stdin.write(cmd.encode() + b"\n")
        await self.proc.stdin.drain()
        return (await asyncio.wait_for(self.proc.stdout.readline(), timeout)).decode().strip()

    async def crash(self):
        """The power loss (sealpost must be dead already)."""
        report = await self.command("crash")
        await self.finish()
        return report

    async def finish(self, timeout=60):
        try:
            await asyncio.wait_for(self.proc.wait(), timeout)
        except asyncio.TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        if self.mounted():
            log("lazyfs left %s mounted; lazy unmount" % self.mnt)
            subprocess.run(["umount", "-l", self.mnt], check=False)

    async def stop(self):
        if self.proc and self.proc.returncode is None:
            try:
                self.proc.stdin.write(b"quit\n")
                await self.proc.stdin.drain()
            except (OSError, ConnectionError):
                pass
            await self.finish()


class Sealpost:
    def __init__(self, args, workdir):
        self.bin = args.bin
        self.workdir = workdir
        # With lazyfs, the spool and the audit log live on it.
        self.data = os.path.join(workdir, "mnt") if args.lazyfs else workdir
        # A certificate made beforehand (default: sealpost's self-signed one,
        # generated on its first start inside the spool).
        self.tls_pair = (args.tls_cert, args.tls_key) if args.tls_cert else None
        self.port = None          # from the ready report of the running incarnation
        self.proc = None
        self.incarnation = 0
        self.logpath = os.path.join(workdir, "sealpost.log")

    def write_config(self, sink_port):
        self.config = os.path.join(self.workdir, "sealpost.toml")
        self.audit_log = os.path.join(self.data, "audit.log")
        with open(self.config, "w") as f:
            f.write("""[server]
hostname = "relay.crash.test"
spool_dir = "{d}/spool"
control_socket = "{w}/control.sock"

[[listener]]
name = "crash"
address = "127.0.0.1:0"
tls = "none"
auth = "none"
allow_relay_from = ["127.0.0.0/8"]
default_priority = 4

[[route]]
domains = ["*"]
host = "127.0.0.1:{sink}"
tls = "none"

[audit]
path = "{d}/audit.log"

[metrics]
address = "127.0.0.1:0"
""".format(d=self.data, w=self.workdir, sink=sink_port))
            if self.tls_pair:
                f.write('\n[tls]\ncert = "%s"\nkey = "%s"\n' % self.tls_pair)

    async def verify_audit(self, st, live):
        """`sealpost audit verify` on the audit log (signatures included).
        While sealpost runs (`live`), a copy cut at its last complete line
        is checked, since a line may be half written at this moment."""
        path = self.audit_log
        if live:
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except FileNotFoundError:
                return
            path = os.path.join(self.workdir, "audit-copy.log")
            with open(path, "wb") as f:
                f.write(data[:data.rfind(b"\n") + 1])
        proc = await asyncio.create_subprocess_exec(
            self.bin, "audit", "verify", path, "--pubkey",
            os.path.join(self.data, "audit.key.pub"),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out, _ = await proc.communicate()
        text = out.decode("utf-8", "replace").strip()
        if proc.returncode == 0:
            st.audit_checks += 1
        else:
            st.audit_failures.append({"incarnation": self.incarnation, "output": text[-500:]})
            log("AUDIT LOG DOES NOT VERIFY after incarnation %d: %s" % (self.incarnation, text[-300:]))

    async def spawn(self):
        self.incarnation += 1
        logf = open(self.logpath, "ab")
        logf.write(b"\n===== incarnation %d, %s =====\n" % (self.incarnation, time.ctime().encode()))
        logf.flush()
        self.proc = await asyncio.create_subprocess_exec(
            self.bin, "serve", "--config", self.config,
            stdout=subprocess.PIPE, stderr=logf)
        logf.close()
        self.spawned_at = time.monotonic()

    async def start(self, timeout):
        await self.spawn()
        return await self.wait_ready(timeout)

    async def wait_ready(self, timeout):
        """Seconds from spawn to the ready report; its port becomes self.port."""
        with open(self.logpath, "ab") as copy:
            try:
                report = await ready_report.wait_ready_async(
                    self.proc, timeout, copy, "sealpost incarnation %d" % self.incarnation)
            except RuntimeError as e:
                raise RuntimeError("%s during start-up" % e)
        self.port = report.port("crash")
        return time.monotonic() - self.spawned_at

    async def kill9(self):
        if self.proc and self.proc.returncode is None:
            self.proc.kill()              # SIGKILL to this pid only
            await self.proc.wait()

    async def stop(self):
        if self.proc and self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 20)
            except asyncio.TimeoutError:
                self.proc.kill()
                await self.proc.wait()


class Pacer:
    """Spreads message starts evenly at `rate` per second (0 = unpaced), so
    that the submission lasts long enough for the kills to land in it."""

    def __init__(self, rate):
        self.rate = rate
        self.t0 = time.monotonic()
        self.n = 0

    async def wait(self):
        if self.rate <= 0:
            return
        self.n += 1
        delay = self.t0 + self.n / self.rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)


def duplicate_timing(record_path, kill_times):
    """For each seq the sink got more than once: seconds between its first
    arrival and the next kill. Large values mean the relay had been told 250
    by the sink well before it was killed, and still delivered again (its
    'delivered' state was not yet durable)."""
    import bisect
    first, copies = {}, {}
    try:
        with open(record_path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                try:
                    seq, t = int(parts[0]), float(parts[2])
                except (ValueError, IndexError):
                    continue
                copies[seq] = copies.get(seq, 0) + 1
                first.setdefault(seq, t)
    except OSError:
        return None
    kills = sorted(kill_times)
    deltas, after_last = [], 0
    for seq, c in copies.items():
        if c > 1:
            i = bisect.bisect_left(kills, first[seq])
            if i < len(kills):
                deltas.append(kills[i] - first[seq])
            else:
                after_last += 1
    if not deltas:
        return None
    deltas.sort()
    return {"median_s": round(deltas[len(deltas) // 2], 3),
            "p90_s": round(deltas[int(len(deltas) * 0.9)], 3),
            "max_s": round(deltas[-1], 3),
            "first_copy_after_last_kill": after_last}


class State:
    def __init__(self, args):
        self.args = args
        self.next_seq = 0
        self.acked = {}              # seq -> (time, queue id text)
        self.attempts = 0
        self.fail_reasons = {}
        self.submission_done = False
        self.up = asyncio.Event()    # sealpost accepting
        self.delivered = {}          # seq -> copies
        self.live_copies = {}        # seq -> copies recorded while the relay was connected
        self.audit_checks = 0        # `sealpost audit verify` runs that passed
        self.audit_failures = []     # ... and those that did not
        self.power_losses = []       # lazyfs reports
        self.unknown_lines = 0
        self.rec_offset = 0
        self.kills = []              # dicts: time, phase, backlog
        self.lfs = None              # LazyFs in power-loss mode
        self.unexpected_exits = []   # sealpost exits nobody caused


def read_deliveries(st, path):
    try:
        with open(path, "rb") as f:
            f.seek(st.rec_offset)
            data = f.read()
    except FileNotFoundError:
        return
    end = data.rfind(b"\n")
    if end < 0:
        return
    st.rec_offset += end + 1
    for line in data[:end].split(b"\n"):
        fields = line.split(b"\t")
        try:
            n = int(fields[0])
        except ValueError:
            st.unknown_lines += 1
            continue
        st.delivered[n] = st.delivered.get(n, 0) + 1
        if fields[3:4] != [b"1"]:
            st.live_copies[n] = st.live_copies.get(n, 0) + 1


def queue_id_of(reply):
    """The queue id in a "250 2.0.0 OK queued as ID" reply."""
    words = reply.split()
    return words[-1] if words else ""


def delivered_log_lines(path):
    """queue id -> number of "delivery attempt ... status=Delivered" lines
    in sealpost's log (all incarnations)."""
    import re
    ansi = re.compile(r"\x1b\[[0-9;]*m")
    counts = {}
    try:
        with open(path, "rb") as f:
            for raw in f:
                if b"delivery attempt" not in raw:
                    continue
                line = ansi.sub("", raw.decode("utf-8", "replace"))
                if "status=Delivered" not in line:
                    continue
                m = re.search(r"queue_id=([0-9A-F]{16})", line)
                if m:
                    counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    except OSError:
        pass
    return counts


def backlog(st):
    return sum(1 for s in st.acked if s not in st.delivered)


async def submitter(sid, st, sp, body, ack_file, deadline):
    args = st.args
    reader = writer = None
    while len(st.acked) < args.messages and st.attempts < args.max_attempts \
            and time.monotonic() < deadline:
        if writer is None:
            try:
                await asyncio.wait_for(st.up.wait(), 5)
            except asyncio.TimeoutError:
                continue
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection("127.0.0.1", sp.port), 5)
                code, text = await read_reply(reader, 30)
                if code != 220:
                    raise SMTPError("greeting " + text)
                writer.write(b"EHLO submit.crash.test\r\n")
                code, text = await read_reply(reader, 30)
                if code != 250:
                    raise SMTPError("EHLO " + text)
            except (OSError, asyncio.TimeoutError, SMTPError) as e:
                st.fail_reasons["connect: " + type(e).__name__] = \
                    st.fail_reasons.get("connect: " + type(e).__name__, 0) + 1
                if writer is not None:
                    writer.close()
                reader = writer = None
                await asyncio.sleep(0.05)
                continue
        await st.pacer.wait()
        if len(st.acked) >= args.messages:
            break
        st.next_seq += 1
        seq = st.next_seq
        st.attempts += 1
        stage = "MAIL"
        try:
            writer.write(b"MAIL FROM:<crash@client.crash.test>\r\n")
            code, text = await read_reply(reader, 30)
            if code != 250:
                raise SMTPError("MAIL " + text)
            stage = "RCPT"
            writer.write(b"RCPT TO:<user%d@dest.crash.test>\r\n" % (seq % 7))
            code, text = await read_reply(reader, 30)
            if code not in (250, 251):
                raise SMTPError("RCPT " + text)
            stage = "DATA"
            writer.write(b"DATA\r\n")
            code, text = await read_reply(reader, 30)
            if code != 354:
                raise SMTPError("DATA " + text)
            stage = "body"
            hdr = ("From: <crash@client.crash.test>\r\nTo: <user%d@dest.crash.test>\r\n"
                   "Subject: crash test %d\r\nMessage-ID: <crash.%d.%d@client.crash.test>\r\n"
                   "X-Seq: %d\r\nDate: %s\r\n\r\n" % (
                       seq % 7, seq, args.run_id, seq, seq,
                       time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()))).encode()
            writer.write(hdr + body + b".\r\n")
            stage = "end of DATA"
            code, text = await read_reply(reader, 60)
            if 200 <= code < 300:
                st.acked[seq] = (time.time(), text[:120])
                ack_file.write(b"%d\t%.6f\t%s\n" % (seq, time.time(), text[:120].encode("latin-1")))
            else:
                raise SMTPError("%s: %s" % (stage, text))
        except SMTPError as e:
            key = str(e)[:60]
            st.fail_reasons[key] = st.fail_reasons.get(key, 0) + 1
            if "closed" in str(e):
                writer.close()
                reader = writer = None
            else:
                try:
                    writer.write(b"RSET\r\n")
                    await read_reply(reader, 10)
                except (OSError, asyncio.TimeoutError, SMTPError):
                    writer.close()
                    reader = writer = None
                await asyncio.sleep(0.05)
        except (OSError, asyncio.TimeoutError) as e:
            key = "%s at %s" % (type(e).__name__, stage)
            st.fail_reasons[key] = st.fail_reasons.get(key, 0) + 1
            writer.close()
            reader = writer = None
    if writer is not None:
        try:
            writer.write(b"QUIT\r\n")
            await asyncio.wait_for(writer.drain(), 2)
        except Exception:
            pass
        writer.close()


async def killer(st, sp, rng, deadline):
    args = st.args
    kills_after = 0
    while time.monotonic() < deadline:
        read_deliveries(st, args.record)
        need_more = (not st.submission_done or len(st.kills) < args.kills
                     or (kills_after < args.kills_after and backlog(st) > 0))
        if not need_more:
            return
        await asyncio.sleep(rng.uniform(args.min_gap, args.max_gap))
        read_deliveries(st, args.record)
        phase = "submitting" if not st.submission_done else "delivering"
        bl = backlog(st)
        if st.submission_done and bl == 0 and len(st.kills) >= args.kills:
            return
        if sp.proc.returncode is not None:
            # nobody killed it: sealpost died by itself
            st.unexpected_exits.append({"time": time.time(), "status": sp.proc.returncode,
                                        "incarnation": sp.incarnation})
            log("UNEXPECTED: sealpost incarnation %d exited by itself with status %s"
                % (sp.incarnation, sp.proc.returncode))
        st.up.clear()
        await sp.kill9()
        k = {"n": len(st.kills) + 1, "time": time.time(), "phase": phase,
             "acked": len(st.acked), "delivered": len(st.delivered), "backlog": bl}
        st.kills.append(k)
        await power_loss(st, k)
        if phase == "delivering":
            kills_after += 1
        log("kill %2d (%s): acked %d, delivered %d, backlog %d"
            % (k["n"], phase, k["acked"], k["delivered"], bl))
        if rng.random() < args.startup_kill_prob:
            # also kill it again while it is starting up / recovering the spool
            await sp.spawn()
            await asyncio.sleep(rng.uniform(0.0, args.startup_kill_window))
            await sp.kill9()
            ks = {"n": len(st.kills) + 1, "time": time.time(), "phase": "starting",
                  "acked": len(st.acked), "delivered": len(st.delivered), "backlog": bl}
            st.kills.append(ks)
            log("kill %2d (starting): %.0f ms after spawn" % (
                len(st.kills), 1000 * (time.monotonic() - sp.spawned_at)))
            await power_loss(st, ks)
        restart = await sp.start(args.start_timeout)
        k["restart_s"] = round(restart, 3)
        st.up.set()
        log("         restarted, ready after %.2fs" % restart)
        await sp.verify_audit(st, live=True)


async def power_loss(st, k):
    """With lazyfs: right after the kill -9, everything sealpost had not
    made durable is dropped, and the file system comes back."""
    if st.lfs is None:
        return
    report = await st.lfs.crash()
    st.power_losses.append(report)
    k["power_loss"] = report
    log("         power loss: %s" % report)
    await st.lfs.start()


async def drive(args):
    workdir = args.workdir
    rng = random.Random(args.seed)
    args.record = os.path.join(workdir, "sink.record")
    ack_path = os.path.join(workdir, "acked.txt")
    port_file = os.path.join(workdir, "sink.port")

    sink = await asyncio.create_subprocess_exec(
        sys.executable, os.path.abspath(__file__), "sink", "--record", args.record,
        "--port-file", port_file, "--delay", str(args.sink_delay),
        "--max-life", str(args.max_seconds + args.drain_max + 300),
        stdout=open(os.path.join(workdir, "sink.log"), "ab"), stderr=subprocess.STDOUT)
    sp = Sealpost(args, workdir)
    lfs = LazyFs(args.lazyfs, workdir, args.lazyfs_names) if args.lazyfs else None
    result = {"seed": args.seed, "messages_target": args.messages,
              "mode": "power loss (lazyfs, names: %s)" % args.lazyfs_names if lfs else "kill -9"}
    st = None
    try:
        if lfs:
            await lfs.start()
        for _ in range(200):
            if os.path.exists(port_file) or sink.returncode is not None:
                break
            await asyncio.sleep(0.05)
        with open(port_file) as f:
            sink_port = int(f.read())
        sp.write_config(sink_port)
        if lfs:
            # Power losses during the very first start (keys, certificate,
            # spool and audit log being created): the node must still start.
            frng = random.Random(args.seed + 1)
            for i in range(args.first_start_losses):
                await sp.spawn()
                await asyncio.sleep(frng.uniform(0.0, 0.6))
                await sp.kill9()
                report = await lfs.crash()
                log("first start %d: power loss %.0f ms after spawn: %s" % (
                    i + 1, 1000 * (time.monotonic() - sp.spawned_at), report))
                await lfs.start()
                result.setdefault("first_start_power_losses", []).append(report)
        await sp.start(args.start_timeout)
        log("recording sink on 127.0.0.1:%d, sealpost on 127.0.0.1:%d, seed %d"
            % (sink_port, sp.port, args.seed))
        st = State(args)
        st.lfs = lfs
        if args.rate < 0:
            # auto: make the submission last about as long as the kills need
            per_kill = (args.min_gap + args.max_gap) / 2 + 0.3
            args.rate = args.messages / (args.kills * per_kill * 1.2)
        st.pacer = Pacer(args.rate)
        result["submit_rate_target"] = round(args.rate, 1)
        log("submitting %d messages over %d sessions at up to %.0f msg/s"
            % (args.messages, args.sessions, args.rate))
        st.up.set()
        body = b"".join(b"%05d crash test body line, nothing to see here, just filler text....\r\n" % i
                        for i in range(args.body_lines))
        t_start = time.monotonic()
        deadline = t_start + args.max_seconds
        with open(ack_path, "ab", buffering=0) as ack_file:
            subs = [asyncio.create_task(submitter(i, st, sp, body, ack_file, deadline))
                    for i in range(args.sessions)]
            kt = asyncio.create_task(killer(st, sp, rng, deadline))
            subs_done = asyncio.ensure_future(asyncio.gather(*subs))
            # A restart that fails (sealpost refusing to start after a
            # kill) ends the run at once instead of at the deadline.
            await asyncio.wait({subs_done, kt}, return_when=asyncio.FIRST_COMPLETED)
            if kt.done() and kt.exception() is not None:
                subs_done.cancel()
                raise kt.exception()
            await subs_done
            st.submission_done = True
            t_sub = time.monotonic()
            log("submission done: %d acknowledged of %d attempts in %.1fs"
                % (len(st.acked), st.attempts, t_sub - t_start))
            await kt
        if sp.proc.returncode is not None:
            st.unexpected_exits.append({"time": time.time(), "status": sp.proc.returncode,
                                        "incarnation": sp.incarnation})
            await sp.start(args.start_timeout)
            st.up.set()
        log("killing done (%d kills); waiting for deliveries" % len(st.kills))

        # drain: bounded by idle time and total time
        t_drain = time.monotonic()
        last_progress = time.monotonic()
        last_n = -1
        while True:
            read_deliveries(st, args.record)
            missing = [s for s in st.acked if s not in st.delivered]
            if not missing:
                break
            if len(st.delivered) != last_n:
                last_n = len(st.delivered)
                last_progress = time.monotonic()
            if sp.proc.returncode is not None:
                log("UNEXPECTED: sealpost exited (status %s) while draining; restarting"
                    % sp.proc.returncode)
                st.unexpected_exits.append({"time": time.time(), "status": sp.proc.returncode,
                                            "incarnation": sp.incarnation})
                await sp.start(args.start_timeout)
            now = time.monotonic()
            if now - last_progress > args.drain_idle or now - t_drain > args.drain_max:
                break
            await asyncio.sleep(0.2)
        # a short settle to catch late duplicates
        await asyncio.sleep(args.settle)
        read_deliveries(st, args.record)
        t_end = time.monotonic()

        missing = sorted(s for s in st.acked if s not in st.delivered)
        dup_copies = sum(c - 1 for c in st.delivered.values() if c > 1)
        dup_msgs = sum(1 for c in st.delivered.values() if c > 1)
        # Why a message arrived again:
        # * own: sealpost had seen the sink's 250 (its log says "delivered"
        #   for it twice) and still sent it again: its record of the 250 did
        #   not survive the kill / power loss. The delivery log is there to
        #   make this (close to) zero; --max-dup-pct applies to it.
        # * in flight: the sink recorded it while the session was open, but
        #   the kill came before sealpost had read the 250.
        # * RFC 1047: the session was already cut when the sink recorded it
        #   (killed during the sink's delay); the relay never saw a 250 and
        #   must retry. No relay can avoid these two.
        dup_after_250 = sum(c - 1 for c in st.live_copies.values() if c > 1)
        dup_msgs_after_250 = sum(1 for c in st.live_copies.values() if c > 1)
        delivered_lines = delivered_log_lines(sp.logpath)
        dup_own = sum(
            1 for seq, c in st.live_copies.items()
            if c > 1 and seq in st.acked
            and delivered_lines.get(queue_id_of(st.acked[seq][1]), 0) > 1)
        unacked_delivered = sum(1 for s in st.delivered if s not in st.acked)
        result.update({
            "attempted": st.attempts,
            "acknowledged": len(st.acked),
            "delivered": sum(1 for s in st.acked if s in st.delivered),
            "missing": len(missing),
            "duplicate_messages": dup_msgs,
            "duplicate_copies": dup_copies,
            "duplicate_messages_own": dup_own,
            "duplicate_own_pct": round(100.0 * dup_own / max(1, len(st.acked)), 3),
            "duplicate_messages_in_flight": dup_msgs_after_250 - dup_own,
            "duplicate_messages_after_sink_250": dup_msgs_after_250,
            "duplicate_copies_after_sink_250": dup_after_250,
            "duplicate_copies_rfc1047": dup_copies - dup_after_250,
            "duplicate_pct": round(100.0 * dup_msgs / max(1, len(st.acked)), 3),
            "power_losses": len(st.power_losses),
            "power_loss_reports": st.power_losses,
            "unacknowledged_but_delivered": unacked_delivered,
            "sink_records_without_seq": st.unknown_lines,
            "kills": len(st.kills),
            "kills_while_submitting": sum(1 for k in st.kills if k["phase"] == "submitting"),
            "kills_while_delivering_only": sum(1 for k in st.kills if k["phase"] == "delivering"),
            "kills_while_starting": sum(1 for k in st.kills if k["phase"] == "starting"),
            "unexpected_exits": st.unexpected_exits,
            "max_backlog_at_kill": max([k["backlog"] for k in st.kills] or [0]),
            "max_restart_s": max([k.get("restart_s", 0) for k in st.kills] or [0]),
            "submit_failures": st.fail_reasons,
            "seconds_total": round(t_end - t_start, 1),
            "seconds_drain": round(t_end - t_drain, 1),
            "duplicate_timing": duplicate_timing(args.record, [k["time"] for k in st.kills]),
            "kill_log": st.kills,
            "missing_sample": [{"seq": s, "acked_at": st.acked[s][0], "reply": st.acked[s][1]}
                               for s in missing[:50]],
        })
    finally:
        await sp.stop()
        if st is not None and sp.proc is not None:
            await sp.verify_audit(st, live=False)
            result["audit_verified"] = st.audit_checks
            result["audit_failures"] = st.audit_failures
        if lfs is not None:
            await lfs.stop()
        if sink.returncode is None:
            sink.terminate()
            try:
                await asyncio.wait_for(sink.wait(), 10)
            except asyncio.TimeoutError:
                sink.kill()
                await sink.wait()
    return result


async def lazyfs_check(bin, workdir):
    """Proves lazyfs drops what a power loss drops and keeps what was made
    durable, before any sealpost figure is trusted. Returns a list of
    problems (empty: fine)."""
    lfs = LazyFs(bin, workdir)
    await lfs.start()
    m = lfs.mnt
    problems = []

    def write(name, data, fsync):
        fd = os.open(os.path.join(m, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, data)
        if fsync:
            os.fdatasync(fd)
        os.close(fd)

    def sync_dir(d):
        fd = os.open(d, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)

    try:
        write("durable", b"kept", True)
        write("unsynced", b"", True)
        sync_dir(m)
        with open(os.path.join(m, "unsynced"), "ab") as f:
            f.write(b"dropped")
        write("no-dir-sync", b"data", True)
        write("renamed.tmp", b"new", True)
        os.rename(os.path.join(m, "renamed.tmp"), os.path.join(m, "durable"))
    except OSError as e:
        problems.append("writing on lazyfs failed: %s" % e)
    report = await lfs.crash()
    await lfs.start()
    try:
        def read(name):
            try:
                with open(os.path.join(m, name), "rb") as f:
                    return f.read()
            except FileNotFoundError:
                return None
        for name, want in (("durable", b"kept"), ("unsynced", b""), ("no-dir-sync", None),
                           ("renamed.tmp", None)):
            got = read(name)
            if got != want:
                problems.append("after the power loss %s holds %r, expected %r" % (name, got, want))
    finally:
        await lfs.stop()
    log("lazyfs check: %s" % report)
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("lazyfs-check", help="check that lazyfs loses exactly what it should")
    c.add_argument("--lazyfs", required=True)
    c.add_argument("--workdir", required=True)
    s = sub.add_parser("sink", help="run the recording sink")
    s.add_argument("--record", required=True)
    s.add_argument("--port-file", required=True)
    s.add_argument("--delay", type=float, default=0.0)
    s.add_argument("--max-life", type=float, default=3600)

    r = sub.add_parser("run", help="run the crash test")
    r.add_argument("--bin", required=True)
    r.add_argument("--workdir", required=True)
    r.add_argument("--messages", type=int, default=5000, help="acknowledged messages to reach")
    r.add_argument("--sessions", type=int, default=8)
    r.add_argument("--kills", type=int, default=10, help="minimum number of kill -9")
    r.add_argument("--kills-after", type=int, default=2,
                   help="minimum kills after submission ended while messages were undelivered")
    r.add_argument("--min-gap", type=float, default=0.2, help="seconds after a restart, min")
    r.add_argument("--max-gap", type=float, default=1.5, help="seconds after a restart, max")
    r.add_argument("--startup-kill-prob", type=float, default=0.2,
                   help="chance that a restart is itself killed during start-up/recovery")
    r.add_argument("--startup-kill-window", type=float, default=0.3,
                   help="such a kill comes 0..this many seconds after spawning")
    r.add_argument("--sink-delay", type=float, default=0.1,
                   help="seconds before the sink's 250 (a slow next hop keeps a backlog in the spool)")
    r.add_argument("--rate", type=float, default=-1,
                   help="submission pace, msg/s; 0 = as fast as possible; default: auto, so that "
                        "the kills fall while messages are being submitted")
    r.add_argument("--body-lines", type=int, default=30)
    r.add_argument("--seed", type=int, default=None)
    r.add_argument("--start-timeout", type=float, default=60)
    r.add_argument("--max-seconds", type=float, default=600, help="submission + killing, at most")
    r.add_argument("--drain-idle", type=float, default=120, help="give up after this long without an arrival")
    r.add_argument("--drain-max", type=float, default=600, help="give up draining after this long")
    r.add_argument("--settle", type=float, default=3)
    r.add_argument("--max-attempts", type=int, default=0, help="default 3 x messages")
    r.add_argument("--json")
    r.add_argument("--lazyfs", help="tools/lazyfs binary: run the spool and the audit log on it, "
                   "and make every kill a power loss (unsynced writes dropped)")
    r.add_argument("--first-start-losses", type=int, default=3,
                   help="with --lazyfs: power losses while sealpost starts on an empty spool, "
                        "before the run (default 3)")
    r.add_argument("--tls-cert", help="[tls] cert for sealpost (with --tls-key); default: "
                   "the self-signed pair sealpost makes on its first start")
    r.add_argument("--tls-key")
    r.add_argument("--lazyfs-names", choices=["posix", "journal"], default="posix",
                   help="lazyfs: name changes durable only with a directory fsync (posix), or "
                        "with any file fsync too (journal, as ext4)")
    r.add_argument("--max-dup-pct", type=float, default=None,
                   help="fail if more than this percentage of acknowledged messages is sent again "
                        "after sealpost had seen the sink's 250 for it (its own duplicates)")
    args = ap.parse_args()

    if args.cmd == "sink":
        asyncio.run(sink_main(args))
        return
    if args.cmd == "lazyfs-check":
        try:
            problems = asyncio.run(lazyfs_check(args.lazyfs, args.workdir))
        except RuntimeError as e:
            problems = [str(e)]
        for p in problems:
            print("lazyfs check FAILED: %s" % p, file=sys.stderr)
        sys.exit(1 if problems else 0)

    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1, 1 << 31)
    if not args.max_attempts:
        args.max_attempts = 3 * args.messages
    args.run_id = os.getpid()
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    try:
        res = asyncio.run(drive(args))
    except RuntimeError as e:
        log("ERROR: %s" % e)
        log("sealpost log: %s/sealpost.log (last lines follow)" % args.workdir)
        try:
            with open(os.path.join(args.workdir, "sealpost.log"), "rb") as f:
                tail = f.read()[-3000:].decode("utf-8", "replace")
            print(tail, file=sys.stderr)
        except OSError:
            pass
        sys.exit(1)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)

    print()
    print("sealpost crash test, %s (seed %d)" % (res["mode"], res["seed"]))
    print("  kill -9:           %d (%d while submitting, %d while only delivering, %d during start-up;"
          " max backlog %d; slowest restart %.2fs)" % (
              res["kills"], res["kills_while_submitting"], res["kills_while_delivering_only"],
              res["kills_while_starting"], res["max_backlog_at_kill"], res["max_restart_s"]))
    print("  attempted:         %d" % res["attempted"])
    print("  acknowledged:      %d" % res["acknowledged"])
    print("  delivered:         %d" % res["delivered"])
    print("  missing:           %d" % res["missing"])
    print("  duplicates:        %d messages (%.2f %%), %d extra copies, of which" % (
        res["duplicate_messages"], res["duplicate_pct"], res["duplicate_copies"]))
    print("    sealpost's own:  %d messages (%.2f %% of acknowledged): sent again after sealpost "
          "had seen the sink's 250" % (res["duplicate_messages_own"], res["duplicate_own_pct"]))
    print("    250 in flight:   %d messages: recorded by the sink with the session open, but the "
          "kill came before sealpost read the 250" % res["duplicate_messages_in_flight"])
    print("    RFC 1047:        %d extra copies: the session was cut before the sink recorded "
          "(sealpost never got a 250; retrying is correct)" % res["duplicate_copies_rfc1047"])
    if res["power_losses"]:
        print("  power losses:      %d (lazyfs dropped what was not yet durable)" % res["power_losses"])
    print("  audit verify:      %d passed after restarts and at the end, %d failed" % (
        res.get("audit_verified", 0), len(res.get("audit_failures", []))))
    dt = res.get("duplicate_timing")
    if dt:
        print("                     first copy arrived %.2fs (median; p90 %.2fs, max %.2fs) before the "
              "kill that caused the copy" % (dt["median_s"], dt["p90_s"], dt["max_s"]))
    print("  unacked delivered: %d (got no 250 because of a kill, delivered anyway: allowed)"
          % res["unacknowledged_but_delivered"])
    if res.get("unexpected_exits"):
        print("  FAIL: sealpost exited by itself %d times: %s" % (
            len(res["unexpected_exits"]), res["unexpected_exits"]))
    if res["submit_failures"]:
        print("  submission failures (expected around kills): %s"
              % ", ".join("%s=%d" % kv for kv in sorted(res["submit_failures"].items())))
    ok = True
    if res["missing"]:
        ok = False
        print("  FAIL: %d acknowledged messages never arrived; first: %s" % (
            res["missing"], ", ".join("seq %d (%s)" % (m["seq"], m["reply"]) for m in res["missing_sample"][:10])))
    if res["kills"] < args.kills:
        ok = False
        print("  FAIL: only %d kills (wanted %d)" % (res["kills"], args.kills))
    if res["acknowledged"] < args.messages:
        ok = False
        print("  FAIL: only %d of %d messages were acknowledged" % (res["acknowledged"], args.messages))
    if res.get("unexpected_exits"):
        ok = False
    if res.get("audit_failures"):
        ok = False
        print("  FAIL: the audit log did not verify %d times; first: %s" % (
            len(res["audit_failures"]), res["audit_failures"][0]["output"]))
    if args.lazyfs and res["power_losses"] < args.kills:
        ok = False
        print("  FAIL: only %d power losses (wanted %d)" % (res["power_losses"], args.kills))
    if args.max_dup_pct is not None and res["duplicate_own_pct"] > args.max_dup_pct:
        ok = False
        print("  FAIL: %.2f %% of acknowledged messages sent again after sealpost had seen them "
              "delivered (limit %.2f %%)" % (res["duplicate_own_pct"], args.max_dup_pct))
    print("  result: %s" % ("PASS" if ok else "FAIL"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

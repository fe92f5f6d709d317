#!/usr/bin/env python3
"""Side-by-side relay benchmark: Postfix vs sealpost (driven by relay_bench.sh).

For every message size and every relay, in this order (sizes outer, relays
inner, so both relays run under the same conditions in the same run):

  1. a fresh smtp-sink (Postfix's test server) on a free 127.0.0.1 port,
     counting arrivals with -c;
  2. a fresh relay with an empty durable spool, routing everything to the
     sink (Postfix on a free port; sealpost on port 0, the port read from its
     "sealpost ready" report);
  3. warm-up: 64 messages through the relay (not measured);
  4. throughput: smtp-source, SESSIONS parallel sessions, MSGS messages of
     SIZE bytes; msg/s = MSGS / (time from the start of smtp-source until the
     sink has received the last of those MSGS messages);
  5. latency: smtp_load.py, SESSIONS sessions, LAT_MSGS messages of SIZE
     bytes; p50/p99 of the time between sending "." CRLF and receiving 250;
     then wait until the sink has them all;
  6. memory: sealpost's peak RSS (VmHWM from /proc/PID/status, whole life of
     the process); for Postfix, the peak of the summed PSS of all processes of
     the instance, sampled every 0.25 s (Postfix is many processes);
  7. stop relay and sink.

Everything listens on 127.0.0.1 only, on ports chosen at run time; every wait
is bounded. Results: a table on stdout, JSON in WORKDIR/results.json.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import ready_report  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SENDER = "bench@client.bench.test"
STALL_SECONDS = 120   # a wait for the sink gives up after this long without an arrival
RCPT = "user@dest.bench.test"


def log(msg):
    print("[bench %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_greeting(port, timeout, proc=None, what="server"):
    """Poll (bounded) until 127.0.0.1:port accepts and greets with 220."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("%s exited with status %s before it was ready" % (what, proc.returncode))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                s.settimeout(5)
                data = b""
                while b"\n" not in data and len(data) < 4096:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                if data.startswith(b"220"):
                    try:
                        s.sendall(b"QUIT\r\n")
                        s.recv(512)
                    except OSError:
                        pass
                    return
                last = "greeting %r" % data[:80]
        except OSError as e:
            last = e
        time.sleep(0.05)
    raise RuntimeError("%s on port %d not ready after %ss (last: %s)" % (what, port, timeout, last))


def pss_kb(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def proc_status_kb(pid, key):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def descendants(root):
    """root and all its descendant pids (from /proc)."""
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
            ppid = int(st[st.rindex(")") + 2:].split()[1])
        except (OSError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


class Sink:
    """Postfix smtp-sink on a free port; counts arrivals from its -c output."""

    def __init__(self, workdir, name):
        self.logpath = os.path.join(workdir, "%s.sink.log" % name)
        self.count = 0
        self.cv = threading.Condition()
        self.watch = {}   # target -> monotonic time when count first reached it
        last_err = None
        for _ in range(5):
            self.port = free_port()
            self.proc = subprocess.Popen(
                ["smtp-sink", "-u", "nobody", "-c", "127.0.0.1:%d" % self.port, "1024"],
                stdout=subprocess.PIPE, stderr=open(self.logpath, "ab"))
            self.thread = threading.Thread(target=self._reader, daemon=True)
            self.thread.start()
            try:
                wait_greeting(self.port, 15, self.proc, "smtp-sink")
                return
            except RuntimeError as e:
                last_err = e
                self.stop()
        raise RuntimeError("could not start smtp-sink: %s" % last_err)

    def _reader(self):
        fd = self.proc.stdout.fileno()
        buf = b""
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            now = time.monotonic()
            buf += chunk
            parts = re.split(rb"[\r\n]", buf)
            buf = parts.pop()
            n = None
            for p in parts:
                m = re.search(rb"mesg=(\d+)", p)
                if m:
                    n = int(m.group(1))
            if n is not None:
                with self.cv:
                    if n > self.count:
                        self.count = n
                        for t in self.watch:
                            if self.watch[t] is None and n >= t:
                                self.watch[t] = now
                        self.cv.notify_all()

    def wait_for(self, target, timeout, stall=STALL_SECONDS):
        """Wait (bounded) until target messages arrived; return the monotonic
        time of arrival of the target-th message, or None on timeout or when
        nothing arrived for `stall` seconds."""
        deadline = time.monotonic() + timeout
        with self.cv:
            self.watch.setdefault(target, time.monotonic() if self.count >= target else None)
            last_count, last_change = self.count, time.monotonic()
            while self.watch[target] is None:
                now = time.monotonic()
                if self.count != last_count:
                    last_count, last_change = self.count, now
                if now >= deadline or now - last_change > stall or self.proc.poll() is not None:
                    return None
                self.cv.wait(min(deadline - now, 1.0))
            return self.watch[target]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


class MemSampler(threading.Thread):
    """Peak of sum(PSS) over a set of pids, sampled periodically."""

    def __init__(self, pids_fn, interval=0.25):
        super().__init__(daemon=True)
        self.pids_fn = pids_fn
        self.interval = interval
        self.peak_kb = 0
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            try:
                total = sum(pss_kb(p) for p in self.pids_fn())
                self.peak_kb = max(self.peak_kb, total)
            except Exception:
                pass
            self.stopped.wait(self.interval)

    def stop(self):
        self.stopped.set()
        self.join(5)


class PostfixRelay:
    name = "postfix"
    mem_label = "peak sum of PSS of all Postfix processes (sampled)"

    def __init__(self, workdir, tag, sink_port):
        self.sink_port = sink_port
        self.dir = os.path.join(workdir, "postfix-%s" % tag)
        self.script = os.path.join(HERE, "postfix_instance.sh")
        self.sampler = None
        self.started = False

    def start(self):
        last = None
        for attempt in range(3):
            if os.path.exists(self.dir):
                shutil.rmtree(self.dir)
            os.makedirs(self.dir)
            self.port = free_port()
            subprocess.run(["bash", self.script, "setup", self.dir, str(self.port), str(self.sink_port)],
                           check=True, timeout=60)
            r = subprocess.run(["bash", self.script, "start", self.dir], timeout=120)
            self.started = True
            if r.returncode == 0:
                try:
                    wait_greeting(self.port, 60, None, "postfix smtpd")
                    break
                except RuntimeError as e:
                    last = e
            else:
                last = "postfix start exited %d" % r.returncode
            self.stop()
        else:
            raise RuntimeError("postfix did not start: %s" % last)
        self.sampler = MemSampler(self.pids)
        self.sampler.start()

    def master_pid(self):
        try:
            with open(os.path.join(self.dir, "queue", "pid", "master.pid")) as f:
                pid = int(f.read().strip())
            os.kill(pid, 0)
            return pid
        except (OSError, ValueError):
            return None

    def pids(self):
        m = self.master_pid()
        return descendants(m) if m else []

    def mem_kb(self):
        return self.sampler.peak_kb if self.sampler else None

    def stop(self):
        if self.sampler:
            self.sampler.stop()
        if self.started:
            subprocess.run(["bash", self.script, "stop", self.dir], timeout=60)
            self.started = False

    def queue_left(self):
        n = 0
        for sub in ("incoming", "active", "deferred", "maildrop", "hold"):
            for _root, _dirs, files in os.walk(os.path.join(self.dir, "queue", sub)):
                n += len(files)
        return n


class SealpostRelay:
    name = "sealpost"
    mem_label = "peak RSS of the sealpost process (VmHWM)"

    def __init__(self, workdir, tag, sink_port, binary):
        self.sink_port = sink_port
        self.binary = binary
        self.dir = os.path.join(workdir, "sealpost-%s" % tag)
        self.proc = None
        self.hwm_kb = None

    def write_config(self):
        cfg = """[server]
hostname = "relay.bench.test"
spool_dir = "{d}/spool"

[[listener]]
name = "bench"
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
""".format(d=self.dir, sink=self.sink_port)
        # Extra tables for an A/B run, e.g. "[delivery]\nnice = 0\n".
        cfg += os.environ.get("SEALPOST_BENCH_TOML", "").replace("\\n", "\n")
        self.config = os.path.join(self.dir, "sealpost.toml")
        with open(self.config, "w") as f:
            f.write(cfg)

    def start(self):
        """Listener on port 0; the port comes from the ready report."""
        if os.path.exists(self.dir):
            shutil.rmtree(self.dir)
        os.makedirs(self.dir)
        self.write_config()
        log_path = os.path.join(self.dir, "sealpost.log")
        logf = open(log_path, "ab")
        self.proc = subprocess.Popen([self.binary, "serve", "--config", self.config],
                                     stdout=subprocess.PIPE, stderr=logf, text=True)
        try:
            report = ready_report.wait_ready(self.proc, 120, open(log_path, "a"))
        except RuntimeError as e:
            self.stop()
            raise RuntimeError("sealpost did not start: %s (log: %s)" % (e, log_path))
        self.port = report.port("bench")
        self.metrics_port = report.metrics

    def pids(self):
        return [self.proc.pid] if self.proc and self.proc.poll() is None else []

    def mem_kb(self):
        if self.proc and self.proc.poll() is None:
            v = proc_status_kb(self.proc.pid, "VmHWM")
            if v:
                self.hwm_kb = v
        return self.hwm_kb

    def stop(self):
        if self.proc is None:
            return
        self.mem_kb()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                log("sealpost did not exit 20 s after SIGTERM; SIGKILL")
                self.proc.kill()
                self.proc.wait(10)

    def queue_left(self):
        return None

    def latency_buckets(self):
        """Cumulative counts of sealpost's own end-of-DATA-to-250 histogram,
        {upper bound in seconds: count}, or None without a metrics port."""
        if not getattr(self, "metrics_port", None):
            return None
        url = "http://127.0.0.1:%d/metrics" % self.metrics_port
        try:
            # No proxy for the local scrape, whatever http_proxy says.
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            with opener.open(url, timeout=10) as r:
                text = r.read().decode()
        except Exception as e:  # noqa: BLE001 - any failure only drops the figure
            log("metrics scrape failed: %s" % e)
            return None
        self.last_metrics = text
        out = {}
        for m in re.finditer(r'^sealpost_smtp_data_to_250_seconds_bucket\{le="([^"]+)"\} (\S+)$',
                             text, re.M):
            out[float(m.group(1))] = float(m.group(2))
        return out or None


def server_latency(before, after):
    """Share of messages acknowledged within 10 ms, and the p99 estimated by
    linear interpolation inside its histogram bucket (ms), between two
    scrapes of sealpost's data_to_250 histogram."""
    if not before or not after:
        return None
    bounds = sorted(after)
    delta = [after[b] - before.get(b, 0.0) for b in bounds]
    total = delta[-1]
    if total <= 0 or min(delta) < 0:   # nothing measured, or a restart between scrapes
        return None
    within = dict(zip(bounds, delta)).get(0.01)
    within = None if within is None else within / total
    want = 0.99 * total
    lo, lo_n = 0.0, 0.0
    p99 = None
    for b, n in zip(bounds, delta):
        if n >= want:
            if b == float("inf"):
                p99 = float("inf")   # beyond the last bucket: shown as inf
            else:
                p99 = (lo + (b - lo) * (want - lo_n) / max(n - lo_n, 1e-9)) * 1000.0
            break
        lo, lo_n = b, n
    return {"within_10ms": None if within is None else round(within, 4),
            "p99_ms": None if p99 is None else round(p99, 2)}


def run_smtp_load(port, count, sessions, size, tag, out_json, timeout):
    cmd = [sys.executable, os.path.join(HERE, "smtp_load.py"), "--port", str(port),
           "--count", str(count), "--sessions", str(sessions), "--size", str(size),
           "--tag", tag, "--json", out_json, "--timeout", str(timeout),
           "--sender", SENDER, "--rcpt", RCPT]
    r = subprocess.run(cmd, timeout=timeout + 120)
    with open(out_json) as f:
        res = json.load(f)
    res["exit"] = r.returncode
    return res


def bench_one(relay, sink, args, size, workdir, tag):
    res = {"relay": relay.name, "size": size, "msgs": args.msgs, "sessions": args.sessions,
           "lat_msgs": args.lat_msgs, "mem_label": relay.mem_label}
    # warm-up (not measured)
    base = sink.count
    warm = run_smtp_load(relay.port, 64, 8, size, "warm", os.path.join(workdir, tag + ".warm.json"), 120)
    if warm["ok"] == 0:
        raise RuntimeError("warm-up failed: %s" % warm["errors"])
    if sink.wait_for(base + warm["ok"], args.phase_timeout) is None:
        raise RuntimeError("warm-up: sink got %d of %d" % (sink.count - base, warm["ok"]))

    # throughput with smtp-source
    base = sink.count
    target = base + args.msgs
    src_log = open(os.path.join(workdir, tag + ".smtp-source.log"), "wb")
    log("%s %d B: smtp-source %d msgs, %d sessions" % (relay.name, size, args.msgs, args.sessions))
    t0 = time.monotonic()
    src = subprocess.Popen(["smtp-source", "-s", str(args.sessions), "-m", str(args.msgs),
                            "-l", str(size), "-d", "-f", SENDER, "-t", RCPT,
                            "-M", "client.bench.test", "127.0.0.1:%d" % relay.port],
                           stdout=src_log, stderr=subprocess.STDOUT)
    try:
        src_rc = src.wait(args.phase_timeout)
    except subprocess.TimeoutExpired:
        src.kill()
        src.wait(10)
        src_rc = "timeout"
    t_sub = time.monotonic()
    t_end = sink.wait_for(target, max(1.0, args.phase_timeout - (t_sub - t0)))
    res["smtp_source_exit"] = src_rc
    res["submit_s"] = round(t_sub - t0, 3)
    res["submit_rate"] = round(args.msgs / (t_sub - t0), 1)
    if t_end is None:
        res["error"] = ("sink received %d of %d messages (gave up after %ss, or %ss without an "
                        "arrival; smtp-source exit %s)" % (sink.count - base, args.msgs,
                                                          args.phase_timeout, STALL_SECONDS, src_rc))
        res["delivered"] = sink.count - base
        return res
    res["e2e_s"] = round(t_end - t0, 3)
    res["e2e_rate"] = round(args.msgs / (t_end - t0), 1)
    if src_rc != 0:
        res["warning"] = "smtp-source exit %s (see %s.smtp-source.log)" % (src_rc, tag)
    log("%s %d B: %.1f msg/s end to end (%.1f msg/s accepted)" % (
        relay.name, size, res["e2e_rate"], res["submit_rate"]))

    # latency with smtp_load.py
    base = sink.count
    hist0 = relay.latency_buckets() if hasattr(relay, "latency_buckets") else None
    lat = run_smtp_load(relay.port, args.lat_msgs, args.sessions, size, "lat",
                        os.path.join(workdir, tag + ".lat.json"), args.phase_timeout)
    res["latency"] = lat
    if hist0 is not None:
        res["server_latency"] = server_latency(hist0, relay.latency_buckets())
        # The whole scrape after the latency run (spool flush times, batch
        # sizes, syncs) for a look at where the time went.
        if getattr(relay, "last_metrics", None):
            with open(os.path.join(workdir, tag + ".metrics.txt"), "w") as f:
                f.write(relay.last_metrics)
        if res["server_latency"]:
            res["srv_p99_ms"] = res["server_latency"]["p99_ms"]
            w = res["server_latency"]["within_10ms"]
            res["srv_10ms_pct"] = None if w is None else 100.0 * w
    res["p50_ms"] = lat["p50_ms"]
    res["p99_ms"] = lat["p99_ms"]
    if lat["ok"] != args.lat_msgs:
        res["error"] = "latency client: %d ok, %d failed: %s" % (lat["ok"], lat["failed"], lat["errors"])
    t_lat = sink.wait_for(base + lat["ok"], args.phase_timeout)
    if t_lat is None:
        res["error"] = "after the latency run the sink received %d of %d" % (sink.count - base, lat["ok"])
    log("%s %d B: p50 %s ms, p99 %s ms (%s msg/s accepted by the latency client)" % (
        relay.name, size, lat["p50_ms"], lat["p99_ms"], lat["accept_rate"]))
    if res.get("server_latency"):
        log("%s %d B: server side (its own histogram): %s%% within 10 ms, p99 ~%s ms" % (
            relay.name, size, fmt(res.get("srv_10ms_pct")), res["server_latency"]["p99_ms"]))
    res["mem_kb"] = relay.mem_kb()
    res["sink_total"] = sink.count
    return res


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def fmt(v, spec="%.1f"):
    return "-" if v is None else (spec % v)


def human_size(n):
    return "%d KB" % (n // 1024) if n % 1024 == 0 else "%d B" % n


def print_table(results, out=sys.stdout):
    hdr = ("relay", "size", "msgs", "msg/s", "accept/s", "p50 ms", "p99 ms", "srv p99 ms",
           "srv <=10ms", "RSS MB")
    rows = []
    for r in results:
        if "e2e_rate" in r:
            rows.append((r["relay"], human_size(r["size"]), str(r["msgs"]), fmt(r.get("e2e_rate")),
                         fmt(r.get("submit_rate")), fmt(r.get("p50_ms"), "%.2f"), fmt(r.get("p99_ms"), "%.2f"),
                         fmt(r.get("srv_p99_ms"), "%.2f"), fmt(r.get("srv_10ms_pct"), "%.1f%%"),
                         fmt(None if r.get("mem_kb") is None else r["mem_kb"] / 1024.0)))
        else:
            rows.append((r["relay"], human_size(r["size"]), str(r["msgs"]), "FAILED", "", "", "", "",
                         "", ""))
    w = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(hdr)]
    line = lambda cells: "| " + " | ".join(c.ljust(w[i]) if i < 2 else c.rjust(w[i]) for i, c in enumerate(cells)) + " |"
    print(line(hdr), file=out)
    print("|" + "|".join("-" * (x + 2) for x in w) + "|", file=out)
    for row in rows:
        print(line(row), file=out)
    for r in results:
        if "error" in r:
            print("  %s %s: ERROR %s" % (r["relay"], human_size(r["size"]), r["error"]), file=out)
        if "warning" in r:
            print("  %s %s: warning %s" % (r["relay"], human_size(r["size"]), r["warning"]), file=out)
    # ratio per size
    by = {(r["relay"], r["size"]): r for r in results}
    for size in sorted({r["size"] for r in results}):
        p, s = by.get(("postfix", size)), by.get(("sealpost", size))
        if p and s and p.get("e2e_rate") and s.get("e2e_rate"):
            print("  %s: sealpost / postfix = %.2fx end-to-end msg/s" % (
                human_size(size), s["e2e_rate"] / p["e2e_rate"]), file=out)
    print("  msg/s    = messages / (first submission .. last arrival at smtp-sink), smtp-source, "
          "durable spool", file=out)
    print("  accept/s = messages / smtp-source run time (acceptance only)", file=out)
    print("  p50/p99  = end-of-DATA ('.' CRLF sent) to 250 received, smtp_load.py, same sessions", file=out)
    print("  srv p99, srv <=10ms = the latency phase timed inside sealpost (its data_to_250 "
          "histogram: p99 interpolated within its bucket, share acknowledged within 10 ms)", file=out)
    labels = {r["relay"]: r["mem_label"] for r in results if r.get("mem_label")}
    for k in sorted(labels):
        print("  RSS (%s) = %s" % (k, labels[k]), file=out)

def run_one(args, name, size, rep):
    tag = "%s-%d" % (name, size) if args.repeat == 1 else "%s-%d-r%d" % (name, size, rep)
    dirtag = tag.split("-", 1)[1]
    sink = relay = None
    res = {"relay": name, "size": size, "msgs": args.msgs, "rep": rep}
    try:
        sink = Sink(args.workdir, tag)
        if name == "postfix":
            relay = PostfixRelay(args.workdir, dirtag, sink.port)
        else:
            relay = SealpostRelay(args.workdir, dirtag, sink.port, args.sealpost_bin)
        log("%s %d B (run %d): starting (sink port %d)" % (name, size, rep, sink.port))
        relay.start()
        log("%s %d B: ready on port %d" % (name, size, relay.port))
        res = bench_one(relay, sink, args, size, args.workdir, tag)
        res["rep"] = rep
        res["queue_left"] = relay.queue_left()
    except Exception as e:
        res["error"] = "%s: %s" % (type(e).__name__, e)
        log("%s %d B: ERROR %s" % (name, size, res["error"]))
    finally:
        if relay is not None:
            try:
                relay.stop()
            except Exception as e:
                log("stopping %s: %s" % (name, e))
            if res.get("mem_kb") is None:
                res["mem_kb"] = relay.mem_kb()
            res["mem_label"] = relay.mem_label
        if sink is not None:
            sink.stop()
    return res


def median(vals):
    vals = sorted(v for v in vals if v is not None)
    if not vals:
        return None
    n = len(vals)
    return vals[n // 2] if n % 2 else (vals[n // 2 - 1] + vals[n // 2]) / 2.0


def aggregate(runs):
    """One row per (relay, size): medians over the repetitions; peak memory is
    the maximum. A failed repetition makes the row report its error."""
    out = []
    keys = []
    for r in runs:
        k = (r["relay"], r["size"])
        if k not in keys:
            keys.append(k)
    for k in keys:
        rs = [r for r in runs if (r["relay"], r["size"]) == k]
        ok = [r for r in rs if "e2e_rate" in r]
        row = {"relay": k[0], "size": k[1], "msgs": rs[0]["msgs"], "repeats": len(rs),
               "mem_label": rs[0].get("mem_label")}
        errs = ["run %d: %s" % (r["rep"], r["error"]) for r in rs if "error" in r]
        if errs:
            row["error"] = "; ".join(errs)
        if ok:
            for f in ("e2e_rate", "submit_rate", "p50_ms", "p99_ms"):
                row[f] = median([r.get(f) for r in ok])
            for f in ("srv_p99_ms", "srv_10ms_pct"):
                vals = [r[f] for r in ok if r.get(f) is not None]
                row[f] = median(vals) if vals else None
            row["e2e_rates"] = [r["e2e_rate"] for r in ok]
            row["p99s"] = [r.get("p99_ms") for r in ok]
            mems = [r.get("mem_kb") for r in ok if r.get("mem_kb")]
            row["mem_kb"] = max(mems) if mems else None
        out.append(row)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--relays", default="postfix,sealpost")
    ap.add_argument("--sizes", default="5120,51200")
    ap.add_argument("--msgs", type=int, default=5000)
    ap.add_argument("--lat-msgs", type=int, default=5000)
    ap.add_argument("--sessions", type=int, default=32)
    ap.add_argument("--sealpost-bin")
    ap.add_argument("--phase-timeout", type=float, default=600.0)
    ap.add_argument("--repeat", type=int, default=1,
                    help="repeat every (size, relay) run; the table shows medians")
    args = ap.parse_args()

    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    relays = [r.strip() for r in args.relays.split(",") if r.strip()]
    sizes = [int(s) for s in args.sizes.split(",")]
    for r in relays:
        if r not in ("postfix", "sealpost"):
            sys.exit("unknown relay %s" % r)
    if "sealpost" in relays and not (args.sealpost_bin and os.access(args.sealpost_bin, os.X_OK)):
        sys.exit("sealpost binary not found: %s" % args.sealpost_bin)

    load_start = loadavg()
    if float(load_start.split()[0]) > 0.5:
        log("WARNING: load average at start is %s: other work on this machine skews the figures"
            % load_start)
    runs = []
    for rep in range(1, args.repeat + 1):
        for size in sizes:
            for name in relays:
                runs.append(run_one(args, name, size, rep))
                with open(os.path.join(args.workdir, "results.json"), "w") as f:
                    json.dump({"runs": runs}, f, indent=1)
    results = runs if args.repeat == 1 else aggregate(runs)
    with open(os.path.join(args.workdir, "results.json"), "w") as f:
        json.dump({"runs": runs, "summary": results}, f, indent=1)

    print()
    print("sealpost relay benchmark  (%s, %d cores, %d sessions, %d msgs per run)" % (
        time.strftime("%Y-%m-%d %H:%M"), os.cpu_count(), args.sessions, args.msgs))
    print_table(results)
    if args.repeat > 1:
        print("  medians over %d runs each; msg/s of each run: %s" % (args.repeat, "; ".join(
            "%s %s: %s" % (r["relay"], human_size(r["size"]), ", ".join("%.0f" % v for v in r.get("e2e_rates", [])))
            for r in results)))
        print("  p99 ms of each run: %s" % "; ".join(
            "%s %s: %s" % (r["relay"], human_size(r["size"]), ", ".join("%.1f" % v for v in r.get("p99s", []) if v is not None))
            for r in results))
    print("  load average (1/5/15 min) at start: %s, at end: %s" % (load_start, loadavg()))
    failed = [r for r in runs if "error" in r or "e2e_rate" not in r]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

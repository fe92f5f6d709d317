#!/usr/bin/env python3
"""REST API benchmarks (driven by api_bench.sh), each on one sealpost with
its SMTP listener and its API side by side, every domain routed to a
Postfix smtp-sink on 127.0.0.1.

throughput  API submissions per second (examples/api_load.rs, MSGS JSON messages of SIZE
            bytes of text, 202 after the durable spool write) beside SMTP
            submissions per second (smtp-source -F, MSGS messages with
            the same text as the API's and similar headers, 250 after the same
            durable write: both go through the accept stage and its group
            commit), alternating SMTP, API, SMTP, API so both see the same
            machine; every 2xx is counted, a non-2xx fails the run.
priority    a backlog of BACKLOG priority-2 API messages to a slow sink
            (smtp-sink -w 1: one second per message; 20 connections), then one
            priority-9 API message: the time from its 202 until its status
            says delivered, and how much of the backlog is still queued then.
memory      each phase reports sealpost's peak RSS (VmHWM from
            /proc/PID/status, read just before it is stopped).

Everything on 127.0.0.1, ports chosen at run time or read from sealpost's
ready report; every wait is bounded. Results: a table on stdout and JSON in
WORKDIR/api_results.json.
"""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import ready_report  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LOAD = os.environ.get("API_LOAD_BIN", "")


def log(msg):
    print("[api-bench %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """Postfix's smtp-sink on a free port (it cannot report one it bound)."""

    def __init__(self, workdir, delay=None, backlog=256):
        self.port = free_port()
        args = ["smtp-sink", "-c", "-u", "nobody"]
        if delay:
            args += ["-w", str(delay)]
        args += ["127.0.0.1:%d" % self.port, str(backlog)]
        self.out = open(os.path.join(workdir, "sink-%d.txt" % self.port), "w")
        self.proc = subprocess.Popen(args, stdout=self.out, stderr=subprocess.STDOUT)
        end = time.monotonic() + 10
        while time.monotonic() < end:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    if s.recv(100).startswith(b"220"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("smtp-sink did not start")

    def stop(self):
        self.proc.kill()
        self.proc.wait()


class Sealpost:
    def __init__(self, binary, workdir, sink_port, name):
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.binary = binary
        self.config = os.path.join(self.dir, "sealpost.toml")
        with open(self.config, "w") as f:
            f.write(f"""
[server]
hostname = "relay.bench.test"
spool_dir = "{self.dir}/spool"
users_file = "{self.dir}/users.toml"

[[listener]]
name = "bench"
address = "127.0.0.1:0"
tls = "none"
auth = "none"
allow_relay_from = ["127.0.0.0/8"]

[[route]]
domains = ["*"]
host = "127.0.0.1:{sink_port}"
tls = "none"

[metrics]
address = "127.0.0.1:0"

[secure]
openpgp_keyring = "{self.dir}/keys/openpgp"
smime_certs = "{self.dir}/keys/smime"

[api]
listen = "127.0.0.1:0"
tls = "none"
default_rate = "1000000/s"
""")
            # bench/store_bench.sh: e.g. a [store] table (PostgreSQL).
            f.write(os.environ.get("SEALPOST_EXTRA_CONFIG", ""))
        self.log = open(os.path.join(self.dir, "sealpost.log"), "w")
        env = dict(os.environ, SEALPOST_LOG="warn")
        self.proc = subprocess.Popen([binary, "serve", "--config", self.config],
                                     stdout=subprocess.PIPE, stderr=self.log, text=True, env=env)
        r = ready_report.wait_ready(self.proc, 60)
        self.smtp = r.port("bench")
        self.api = r.api
        self.metrics = r.metrics
        out = subprocess.run([binary, "apikey", "add", "bench", "--scopes", "send,read",
                              "--json", "--config", self.config],
                             capture_output=True, text=True, check=True, timeout=60).stdout
        v = json.loads(out)
        self.key = "%s.%s" % (v["client_id"], v["client_secret"])

    def queued(self):
        text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.metrics, timeout=10).read().decode()
        return int(sum(float(m.group(1)) for m in re.finditer(r"^sealpost_queue_messages\{[^}]*\} (\S+)", text, re.M)))

    def api_call(self, method, path, body=None):
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.api, path), method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": "Bearer " + self.key,
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())

    def peak_rss_mb(self):
        try:
            with open("/proc/%d/status" % self.proc.pid) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return None

    def cpu_s(self):
        """User + system CPU seconds of the sealpost process so far."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.rss_mb = self.peak_rss_mb()
        self.proc.terminate()
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def text_of(size):
    """`size` bytes of text in 72-character lines, as mail is usually
    wrapped (longer lines would make mail-builder choose quoted-printable,
    and the PHI scan decode it: a cost smtp-source's message does not have)."""
    line = "The quick brown fox jumps over the lazy dog; sphinx of black quartz, ju\n"
    return (line * (size // len(line) + 1))[:size]


def message_file(size, workdir):
    """The message the API builds from `api_round`'s JSON, as a file for
    `smtp-source -F`: both paths then carry the same text through the same
    PHI scan, so the comparison measures the ways in, not the content
    (smtp-source's own `-l` payload is lines of X, cheaper to scan than prose)."""
    path = os.path.join(workdir, "message.eml")
    headers = ("From: bench@client.bench.test\nTo: user@dest.bench.test\nSubject: bench\n"
               "Date: Mon, 30 Nov 2026 07:00:00 +0000\nMessage-ID: <bench@client.bench.test>\n"
               "MIME-Version: 1.0\nContent-Type: text/plain; charset=\"utf-8\"\n"
               "Content-Transfer-Encoding: 7bit\n\n")
    # smtp-source -F turns each LF into CRLF and dot-stuffs.
    with open(path, "w", newline="\n") as f:
        f.write(headers + text_of(size))
    return path


def smtp_round(sp, msgs, message, sessions):
    t = time.monotonic()
    subprocess.run(["smtp-source", "-s", str(sessions), "-m", str(msgs), "-F", message,
                    "-d", "-f", "bench@client.bench.test", "-t", "user@dest.bench.test",
                    "127.0.0.1:%d" % sp.smtp], check=True, timeout=600,
                   stdout=subprocess.DEVNULL)
    return msgs / (time.monotonic() - t)


def api_load(sp, msgs, body, connections, workdir):
    """`msgs` POSTs of `body` over `connections` (examples/api_load.rs)."""
    path = os.path.join(workdir, "body.json")
    with open(path, "w") as f:
        json.dump(body, f)
    out = subprocess.run([LOAD, str(sp.api), "/v1/messages", sp.key, path, str(connections),
                          str(msgs)], capture_output=True, text=True, timeout=660)
    if out.returncode != 0:
        raise RuntimeError("api_load failed: " + out.stderr[-2000:])
    r = json.loads(out.stdout)
    if r["other"]:
        raise RuntimeError("api_load: %d answers were not 2xx" % r["other"])
    return r


def api_round(sp, msgs, size, connections, workdir):
    body = {"from": "bench@client.bench.test", "to": ["user@dest.bench.test"],
            "subject": "bench", "text": text_of(size)}
    r = api_load(sp, msgs, body, connections, workdir)
    return r["per_s"], r["p50_ms"], r["p99_ms"], r["requests"]


def wait_drained(sp, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if sp.queued() == 0:
            return True
        time.sleep(0.5)
    return False


def throughput(args, workdir):
    sink = Sink(workdir)
    sp = Sealpost(args.bin, workdir, sink.port, "throughput")
    res = {"size": args.size, "sessions": args.sessions, "rounds": []}
    try:
        message = message_file(args.size, workdir)
        smtp_round(sp, 200, message, args.sessions)      # warm-up
        api_round(sp, 200, args.size, args.sessions, workdir)
        wait_drained(sp, 120)
        for i in range(args.rounds):
            c0 = sp.cpu_s()
            s = smtp_round(sp, args.smtp_msgs, message, args.sessions)
            wait_drained(sp, 300)
            c1 = sp.cpu_s()
            a, p50, p99, n = api_round(sp, args.smtp_msgs, args.size, args.sessions, workdir)
            wait_drained(sp, 300)
            c2 = sp.cpu_s()
            # sealpost's own CPU per message, acceptance and delivery: tells
            # the server's cost apart from the load generators' (both share
            # the machine's cores).
            smtp_us = (c1 - c0) * 1e6 / args.smtp_msgs
            api_us = (c2 - c1) * 1e6 / n
            log("round %d: SMTP %.0f msg/s, API %.0f msg/s (%d requests, p50 %.1f ms, p99 %.1f ms); "
                "sealpost CPU per message: SMTP %.0f us, API %.0f us"
                % (i + 1, s, a, n, p50, p99, smtp_us, api_us))
            res["rounds"].append({"smtp_per_s": s, "api_per_s": a, "api_requests": n,
                                  "api_p50_ms": p50, "api_p99_ms": p99,
                                  "smtp_cpu_us": smtp_us, "api_cpu_us": api_us})
    finally:
        sp.stop()
        sink.stop()
    res["peak_rss_mb"] = sp.rss_mb
    res["smtp_per_s"] = sum(r["smtp_per_s"] for r in res["rounds"]) / len(res["rounds"])
    res["api_per_s"] = sum(r["api_per_s"] for r in res["rounds"]) / len(res["rounds"])
    return res


def priority(args, workdir):
    sink = Sink(workdir, delay=1, backlog=1024)
    sp = Sealpost(args.bin, workdir, sink.port, "priority")
    res = {"backlog": args.backlog}
    try:
        body = {"from": "bench@client.bench.test", "to": ["user@dest.bench.test"],
                "subject": "newsletter", "text": text_of(2000), "priority": 2}
        t = time.monotonic()
        api_load(sp, args.backlog, body, 16, workdir)
        res["backlog_submit_s"] = time.monotonic() - t
        queued = sp.queued()
        res["queued_before"] = queued
        log("backlog: %d priority-2 messages queued in %.1f s" % (queued, res["backlog_submit_s"]))
        t0 = time.monotonic()
        status, v = sp.api_call("POST", "/v1/messages", {
            "from": "resets@client.bench.test", "to": ["user@dest.bench.test"],
            "subject": "Password reset", "text": "Your code is 123456.", "priority": 9})
        assert status == 202, v
        qid = v["id"]
        while True:
            _, st = sp.api_call("GET", "/v1/messages/" + qid)
            if st["recipients"][0]["status"] == "delivered":
                break
            if time.monotonic() - t0 > 300:
                raise RuntimeError("the priority-9 message was not delivered within 300 s")
            time.sleep(0.02)
        res["p9_latency_s"] = time.monotonic() - t0
        res["queued_when_p9_delivered"] = sp.queued()
        log("priority 9 delivered after %.2f s with %d messages still queued"
            % (res["p9_latency_s"], res["queued_when_p9_delivered"]))
    finally:
        sp.stop()
        sink.stop()
    res["peak_rss_mb"] = sp.rss_mb
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--size", type=int, default=5000)
    ap.add_argument("--sessions", type=int, default=32)
    ap.add_argument("--smtp-msgs", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--backlog", type=int, default=10000)
    ap.add_argument("--only", default="throughput,priority")
    a = ap.parse_args()
    global LOAD
    LOAD = LOAD or os.path.join(os.path.dirname(a.bin), "examples", "api_load")
    results = {}
    if "throughput" in a.only:
        results["throughput"] = throughput(a, a.workdir)
    if "priority" in a.only:
        results["priority"] = priority(a, a.workdir)
    with open(os.path.join(a.workdir, "api_results.json"), "w") as f:
        json.dump(results, f, indent=2)
    if "throughput" in results:
        t = results["throughput"]
        print("| path | size | msg/s (mean of %d rounds) |" % len(t["rounds"]))
        print("|------|------|------|")
        print("| SMTP (smtp-source -F, same text, %d sessions) | %d B | %.0f |" % (t["sessions"], t["size"], t["smtp_per_s"]))
        print("| API (api_load, %d connections) | %d B | %.0f |" % (t["sessions"], t["size"], t["api_per_s"]))
        print("API / SMTP = %.2fx" % (t["api_per_s"] / t["smtp_per_s"]))
        for i, r in enumerate(t["rounds"]):
            print("round %d: API p50 %.1f ms, p99 %.1f ms" % (i + 1, r["api_p50_ms"], r["api_p99_ms"]))
        print("sealpost peak RSS (throughput run): %.1f MB" % (t["peak_rss_mb"] or 0))
    if "priority" in results:
        p = results["priority"]
        print("priority 9 behind %d priority-2 messages: delivered after %.2f s, %d still queued"
              % (p["queued_before"], p["p9_latency_s"], p["queued_when_p9_delivered"]))
        print("sealpost peak RSS (priority run): %.1f MB" % (p["peak_rss_mb"] or 0))


if __name__ == "__main__":
    main()

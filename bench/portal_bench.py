#!/usr/bin/env python3
"""Portal benchmark: message-view requests per second, latency (p50/p99)
and the daemon's memory, with `wrk` over HTTPS on 127.0.0.1.

Set-up, all on loopback ports chosen by the kernel (port 0, read back):
a recording SMTP sink (this script), sealpost (release build) routing every
domain to it, with its portal on. A PHI message with a 100 KB attachment and
an HTML body goes to a recipient without a key, so it is sealed in the
portal; the script reads the notice at the sink, asks for a code, reads the
code at the sink and signs in like a browser (CSRF cookie and token), then
runs wrk against

  * the message page (`/m/TOKEN/view`): session check, open the sealed copy
    (unwrap the key, AES-256-GCM), parse the MIME message, sanitise the HTML
    with ammonia, render the template — the whole per-request work;
  * the landing page (`/m/TOKEN`) without a session, for comparison;
  * `/healthz`, the TLS + HTTP floor.

Each run is bounded (`-d`), with 2 threads and 32 connections. The daemon's
resident memory (VmRSS, VmHWM) is read from /proc before and after.
There is no peer to run side by side (no other portal here); the floor is
the comparison. Prints one table. Usage:

  SEALPOST_BIN=target/release/sealpost python3 bench/portal_bench.py
"""
import asyncio
import http.client
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from ready_report import wait_ready  # noqa: E402

DURATION = os.environ.get("PORTAL_BENCH_DURATION", "20s")
CONNECTIONS = int(os.environ.get("PORTAL_BENCH_CONNECTIONS", "32"))
SENDER, PATIENT = "frontdesk@hosp.example", "pat@patient.example"


class Sink:
    """A minimal recording SMTP server on 127.0.0.1:0 (no TLS)."""

    def __init__(self):
        self.messages = []
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()
        self.ready.wait(10)

    def _run(self):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._session, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    async def _session(self, r, w):
        w.write(b"220 sink ESMTP\r\n")
        rcpts = []
        while True:
            line = await r.readline()
            if not line:
                return
            up = line.upper()
            if up.startswith(b"EHLO"):
                w.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif up.startswith(b"RCPT"):
                rcpts.append(line.split(b"<", 1)[1].split(b">", 1)[0].decode())
                w.write(b"250 ok\r\n")
            elif up.startswith(b"DATA"):
                w.write(b"354 go\r\n")
                data = await r.readuntil(b"\r\n.\r\n")
                self.messages.append((rcpts, data.decode("latin-1")))
                rcpts = []
                w.write(b"250 stored\r\n")
            elif up.startswith(b"QUIT"):
                w.write(b"221 bye\r\n")
                await w.drain()
                w.close()
                return
            else:
                w.write(b"250 ok\r\n")
            await w.drain()

    def wait(self, needle, n=1, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            got = [d for (r, d) in self.messages if PATIENT in r and needle in d]
            if len(got) >= n:
                return got
            time.sleep(0.05)
        raise RuntimeError("no mail with %r at the sink" % needle)


def message():
    pdf = os.urandom(100 * 1024)
    import base64
    b64 = base64.encodebytes(pdf).decode().replace("\n", "\r\n")
    html = "<p>Dear patient, DOB: 03/14/1961, MRN: 00482913.</p>\r\n" + "\r\n".join(
        "<p>Result line %d: <b>HbA1c</b> 6.%d %%, <a href=\"https://clinic.example/r/%d\">details</a></p>" % (i, i % 10, i)
        for i in range(60))
    return (
        "From: Front Desk <%s>\r\nTo: %s\r\nSubject: Your lab results\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\nContent-Type: multipart/alternative; boundary=b2\r\n\r\n"
        "--b2\r\nContent-Type: text/plain\r\n\r\nDOB: 03/14/1961, MRN: 00482913.\r\n--b2\r\nContent-Type: text/html\r\n\r\n%s\r\n--b2--\r\n"
        "--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=r.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n%s--b1--\r\n"
    ) % (SENDER, PATIENT, html, b64)


def smtp_send(port, data):
    import smtplib
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
        s.sendmail(SENDER, [PATIENT], data.encode())


class Browser:
    def __init__(self, port):
        self.port = port
        self.jar = {}
        self.ctx = ssl._create_unverified_context()

    def req(self, method, path, body=None):
        c = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx, timeout=30)
        h = {"Cookie": "; ".join("%s=%s" % kv for kv in self.jar.items())}
        if body is not None:
            h["Content-Type"] = "application/x-www-form-urlencoded"
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        text = r.read().decode("utf-8", "replace")
        for v in r.headers.get_all("Set-Cookie") or []:
            k, val = v.split(";", 1)[0].split("=", 1)
            self.jar[k] = val
        c.close()
        return r.status, text

    @staticmethod
    def csrf(html):
        return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def rss(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("VmRSS", "VmHWM")):
                k, v = line.split(":")
                out[k] = int(v.split()[0]) // 1024
    return out


def wrk(url, cookie=None):
    cmd = ["wrk", "-t2", "-c%d" % CONNECTIONS, "-d%s" % DURATION, "--latency", "--timeout", "10s"]
    if cookie:
        cmd += ["-H", "Cookie: %s" % cookie]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=300).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"\s(50|99)%\s+([\d.]+\w+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, lat.get("50", "?"), lat.get("99", "?"), int(non2xx.group(1)) if non2xx else 0


def main():
    binary = os.environ.get("SEALPOST_BIN", "target/release/sealpost")
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")
    work = tempfile.mkdtemp(prefix="sealpost-portal-bench-")
    sink = Sink()
    conf = os.path.join(work, "sealpost.toml")
    with open(conf, "w") as f:
        f.write("""
[server]
hostname = "relay.test"
spool_dir = "{w}/spool"
users_file = "{w}/users.toml"
[[listener]]
name = "plain"
address = "127.0.0.1:0"
tls = "none"
auth = "none"
allow_relay_from = ["127.0.0.0/8"]
[[route]]
domains = ["*"]
host = "127.0.0.1:{p}"
tls = "none"
[metrics]
address = "off"
[audit]
path = "{w}/audit/audit.log"
[secure]
openpgp_keyring = "{w}/keys/openpgp"
smime_certs = "{w}/keys/smime"
[portal]
listen = "127.0.0.1:0"
tls = "implicit"
organisation = "Example Clinic"
session_idle = "1h"
""".format(w=work, p=sink.port))
        # bench/store_bench.sh: e.g. a [store] table (PostgreSQL).
        f.write(os.environ.get("SEALPOST_EXTRA_CONFIG", ""))
    log = open(os.path.join(work, "daemon.log"), "w")
    proc = subprocess.Popen([binary, "serve", "--config", conf], stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        report = wait_ready(proc, 60)
        smtp_send(report.port("plain"), message())
        notice = sink.wait("/m/")[0]
        token = re.search(r"/m/([A-Za-z0-9_-]{43})", notice).group(1)
        b = Browser(report.portal)
        _, landing = b.req("GET", "/m/%s" % token)
        st, _ = b.req("POST", "/m/%s/code" % token, "csrf=" + urllib.parse.quote(b.csrf(landing)))
        assert st == 303, st
        code = re.search(r"Your code: (\d{6})", sink.wait("Your code: ")[0]).group(1)
        _, form = b.req("GET", "/m/%s/code" % token)
        st, _ = b.req("POST", "/m/%s/verify" % token,
                      "csrf=%s&code=%s" % (urllib.parse.quote(b.csrf(form)), code))
        assert st == 303, st
        st, page = b.req("GET", "/m/%s/view" % token)
        assert st == 200 and "Your lab results" in page, st
        session = "__Host-sp_session=" + b.jar["__Host-sp_session"]
        base = "https://127.0.0.1:%d" % report.portal
        before = rss(proc.pid)
        rows = []
        for name, url, cookie in [
            ("healthz (TLS + HTTP floor)", base + "/healthz", None),
            ("landing page /m/TOKEN", base + "/m/" + token, None),
            ("message view /m/TOKEN/view", base + "/m/%s/view" % token, session),
        ]:
            rows.append((name,) + wrk(url, cookie))
        after = rss(proc.pid)
        print("\nportal benchmark: wrk -t2 -c%d -d%s, HTTPS on 127.0.0.1, %d cores" % (CONNECTIONS, DURATION, os.cpu_count()))
        print("message: HTML body (60 paragraphs, 61 links) + 100 KB PDF attachment, %d bytes sealed" % len(message()))
        print("%-30s %12s %10s %10s %8s" % ("endpoint", "requests/s", "p50", "p99", "non-2xx"))
        for r in rows:
            print("%-30s %12.0f %10s %10s %8d" % r)
        print("sealpost memory: RSS %d MiB before, %d MiB after, peak (VmHWM) %d MiB" % (
            before["VmRSS"], after["VmRSS"], after["VmHWM"]))
        bad = [r for r in rows if r[4] > 0]
        return 1 if bad else 0
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

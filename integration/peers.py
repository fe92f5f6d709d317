#!/usr/bin/env python3
"""Real-peer integration test for sealpost (driven by integration/peers.sh).

Starts the real sealpost binary on 127.0.0.1 (every listener on port 0, the
ports read back from its "sealpost ready" report) together with

  * a recording SMTP sink written here (Python, threads): every message it
    accepts is kept with its envelope, its MAIL/RCPT lines and its DATA both
    as sent on the wire (dot-stuffed) and unstuffed. RCPT to an address
    containing "reject" gets 550 5.1.1, "defer" gets 451 4.2.0;
  * Postfix's smtp-sink (for the bulk run from Postfix's smtp-source);
  * a private Postfix instance that relays through sealpost,

and talks to sealpost with Python's smtplib, raw sockets, swaks, smtp-source
and Postfix. Each check prints "PASS name" or "FAIL name: why"; the last line
is "N passed, M failed" and the exit status is 0 only if nothing failed.

Python 3 standard library only. No fixed ports, no sleeping for a guessed
time: every wait polls a condition under a deadline. Postfix's smtp-sink and
the private Postfix cannot report a port they bound, so theirs are chosen
free just before they start.

usage: peers.py --bin SEALPOST --workdir DIR [--repo DIR] [--only NAME,...]
"""
import argparse
import base64
import json
import os
import re
import shutil
import smtplib
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ready_report  # noqa: E402

CRLF = b"\r\n"
DEADLINE = 60.0          # default for every wait
IO_TIMEOUT = 20.0        # socket timeout for every client connection
USER, PASSWORD = "alice", "correct horse battery staple"
SENDER_DOMAIN = "hosp.example"


def log(msg):
    print("[peers %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def free_port(taken=set()):
    """A free 127.0.0.1 port, never one handed out before in this run."""
    for _ in range(100):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in taken:
            taken.add(port)
            return port
    raise RuntimeError("no free port")


def wait_for(what, pred, timeout=DEADLINE, interval=0.05):
    """Poll pred() until it returns a true value; raise after timeout."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > end:
            raise CheckFailed("timed out after %.0fs waiting for %s" % (timeout, what))
        time.sleep(interval)


def greeting_ok(port, tls=False, timeout=2.0):
    """True if 127.0.0.1:port answers with a 220 greeting."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            if tls:
                s = no_verify_ctx().wrap_socket(s, server_hostname="sealpost.test")
            f = s.makefile("rb")
            line = f.readline(1000)
            try:
                s.sendall(b"QUIT\r\n")
            except OSError:
                pass
            return line.startswith(b"220")
    except (OSError, ssl.SSLError):
        return False


def no_verify_ctx():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE   # sealpost's certificate is self-signed
    return ctx


class CheckFailed(Exception):
    pass


def expect(cond, why):
    if not cond:
        raise CheckFailed(why)


# --------------------------------------------------------------------------
# recording sink
# --------------------------------------------------------------------------

class Message:
    def __init__(self, mail_line):
        self.mail_line = mail_line
        self.mail_from = between(mail_line, "<", ">")
        self.rcpts = []
        self.rcpt_lines = []
        self.wire = b""      # DATA as received, dot-stuffed, without the final "."
        self.data = b""      # unstuffed

    def text(self):
        return self.data.decode("utf-8", "replace")

    def __repr__(self):
        return "<msg from=%r to=%r %d bytes>" % (self.mail_from, self.rcpts, len(self.data))


def between(s, a, b):
    i = s.find(a)
    if i < 0:
        return ""
    j = s.find(b, i + 1)
    return s[i + 1:j if j >= 0 else len(s)]


class RecordingSink:
    EXTENSIONS = ["PIPELINING", "8BITMIME", "SMTPUTF8", "DSN", "ENHANCEDSTATUSCODES", "SIZE 104857600"]

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []
        self.bare_lf_sessions = 0   # sessions in which sealpost sent a bare LF
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 120

            def handle(self):
                try:
                    sink.session(self.rfile, self.wfile)
                except (OSError, ValueError):
                    pass

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def session(self, rf, wf):
        def reply(s):
            wf.write(s.encode() + CRLF)
            wf.flush()

        reply("220 sink.peers.test ESMTP recording sink")
        cur = None
        while True:
            raw = rf.readline(100000)
            if not raw:
                return
            if not raw.endswith(CRLF):
                with self.lock:
                    self.bare_lf_sessions += 1
            line = raw.rstrip(b"\r\n").decode("utf-8", "replace")
            verb = line[:4].upper()
            if verb == "EHLO":
                ext = ["sink.peers.test"] + self.EXTENSIONS
                wf.write("".join("250%s%s\r\n" % ("-" if i + 1 < len(ext) else " ", e)
                                 for i, e in enumerate(ext)).encode())
                wf.flush()
            elif verb == "HELO":
                reply("250 sink.peers.test")
            elif verb == "MAIL":
                cur = Message(line)
                reply("250 2.1.0 ok")
            elif verb == "RCPT":
                to = between(line, "<", ">")
                if "reject" in to:
                    reply("550 5.1.1 <%s>: no such user" % to)
                elif "defer" in to:
                    reply("451 4.2.0 try later")
                elif cur is None:
                    reply("503 5.5.1 MAIL first")
                else:
                    cur.rcpts.append(to)
                    cur.rcpt_lines.append(line)
                    reply("250 2.1.5 ok")
            elif verb == "DATA":
                if cur is None or not cur.rcpts:
                    reply("554 5.5.1 no valid recipients")
                    continue
                reply("354 go ahead")
                wire, data = [], []
                while True:
                    dl = rf.readline(100000)
                    if not dl:
                        return
                    if not dl.endswith(CRLF):
                        with self.lock:
                            self.bare_lf_sessions += 1
                    if dl == b".\r\n":
                        break
                    wire.append(dl)
                    data.append(dl[1:] if dl.startswith(b".") else dl)
                cur.wire, cur.data = b"".join(wire), b"".join(data)
                with self.lock:
                    self.messages.append(cur)
                cur = None
                reply("250 2.0.0 stored")
            elif verb == "RSET":
                cur = None
                reply("250 2.0.0 ok")
            elif verb == "QUIT":
                reply("221 2.0.0 bye")
                return
            else:
                reply("250 2.0.0 ok")

    def all(self):
        with self.lock:
            return list(self.messages)

    def find(self, token):
        return [m for m in self.all() if token.encode() in m.data]

    def wait_token(self, token, n=1, timeout=DEADLINE):
        return wait_for("%d message(s) with %s at the recording sink" % (n, token),
                        lambda: (lambda ms: ms if len(ms) >= n else None)(self.find(token)),
                        timeout)


# --------------------------------------------------------------------------
# raw SMTP client (for pipelining, BDAT, smuggling)
# --------------------------------------------------------------------------

class Raw:
    def __init__(self, port, tls=False):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT)
        if tls:
            self.sock = no_verify_ctx().wrap_socket(self.sock, server_hostname="sealpost.test")
        self.buf = b""

    def send(self, b):
        self.sock.sendall(b)

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed by sealpost")
            self.buf += chunk
        l, self.buf = self.buf.split(b"\n", 1)
        return l.rstrip(b"\r").decode("utf-8", "replace")

    def reply(self):
        """(code, full text) of one possibly multi-line reply."""
        lines = []
        for _ in range(200):
            l = self.line()
            lines.append(l)
            if len(l) < 4 or l[3] != "-":
                break
        code = int(lines[-1][:3]) if lines[-1][:3].isdigit() else 0
        return code, "\n".join(lines)

    def expect(self, code):
        c, t = self.reply()
        expect(c == code, "expected %d, got %r" % (code, t))
        return t

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def message(token, subject=None, body="Hello from the sealpost peer test.\r\n", extra_headers=""):
    subject = subject or token
    return ("From: <a@%s>\r\nTo: <b@x.example>\r\nSubject: %s\r\nX-Check: %s\r\n%s"
            "Message-ID: <%s@peers.test>\r\n\r\n%s" % (SENDER_DOMAIN, subject, token,
                                                       extra_headers, token, body))


# --------------------------------------------------------------------------
# the test environment
# --------------------------------------------------------------------------

class Env:
    def __init__(self, args):
        self.bin = args.bin
        self.repo = args.repo
        self.work = args.workdir
        self.sink = RecordingSink()
        # sealpost's listeners (plain, sub, smtps, mta) are added from its
        # ready report; smtp-sink's port must be known for the route.
        self.ports = {"smtpsink": free_port()}
        self.config = os.path.join(self.work, "sealpost.toml")
        self.log_path = os.path.join(self.work, "sealpost.log")
        self.daemon = None
        self.smtp_sink = None
        self.smtp_sink_dir = os.path.join(self.work, "smtp-sink")
        self.postfix_dir = None
        self.max_size = 102400
        self.smuggle_tokens = []   # content that must never reach a sink
        self.write_config()

    def write_config(self):
        p, w = self.ports, self.work
        text = f"""
[server]
hostname = "sealpost.peers.test"
spool_dir = "{w}/spool"
users_file = "{w}/users.toml"

[metrics]
address = "127.0.0.1:0"

# No TLS, relay by IP: smtp-source, pipelining, BDAT, content checks.
[[listener]]
name = "plain"
address = "127.0.0.1:0"
tls = "none"
auth = "none"
allow_relay_from = ["127.0.0.0/8"]

# STARTTLS, AUTH optional, NO relay by IP: only AUTH permits relaying.
[[listener]]
name = "sub"
address = "127.0.0.1:0"
tls = "starttls"
auth = "optional"
allow_relay_from = []

# Implicit TLS (RFC 8314), AUTH required.
[[listener]]
name = "smtps"
address = "127.0.0.1:0"
tls = "implicit"
auth = "required"

# STARTTLS offered, relay by IP: the private Postfix instance relays here.
[[listener]]
name = "mta"
address = "127.0.0.1:0"
tls = "starttls"
auth = "none"
allow_relay_from = ["127.0.0.0/8"]

[[route]]
domains = ["bulk.example"]
host = "127.0.0.1:{p['smtpsink']}"
tls = "none"

[[route]]
domains = ["*"]
host = "127.0.0.1:{self.sink.port}"
tls = "opportunistic"

[limits]
max_message_size = {self.max_size}

[delivery]
retry_schedule = ["1s"]
idle_connection_timeout = "2s"
"""
        with open(self.config, "w") as f:
            f.write(text)

    # ---- sealpost

    def cli(self, *args, stdin=None):
        r = subprocess.run([self.bin, *args, "--config", self.config], input=stdin,
                           capture_output=True, text=True, timeout=60)
        return r.returncode, r.stdout, r.stderr

    def start_sealpost(self):
        rc, _, err = self.cli("config", "check")
        if rc != 0:
            raise RuntimeError("config check failed: %s" % err)
        rc, _, err = self.cli("user", "add", USER, "--sender-domain", SENDER_DOMAIN,
                              stdin=PASSWORD + "\n")
        if rc != 0:
            raise RuntimeError("user add failed: %s" % err)
        env = dict(os.environ, SEALPOST_LOG=os.environ.get("SEALPOST_LOG", "info"))
        self.log_file = open(self.log_path, "ab")
        self.daemon = subprocess.Popen([self.bin, "serve", "--config", self.config],
                                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=self.log_file, env=env, cwd=self.work, text=True)
        copy = open(os.path.join(self.work, "sealpost.out"), "a")
        try:
            report = ready_report.wait_ready(self.daemon, 30, copy)
        except RuntimeError as e:
            raise RuntimeError("%s:\n%s" % (e, self.log_tail()))
        for n in ("plain", "sub", "smtps", "mta"):
            self.ports[n] = report.port(n)
        log("sealpost pid %d ready, ports %s, recording sink %d"
            % (self.daemon.pid, self.ports, self.sink.port))

    def log_tail(self, n=30):
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-n:]).decode("utf-8", "replace")
        except OSError:
            return ""

    def alive(self):
        return self.daemon is not None and self.daemon.poll() is None

    def queue(self):
        rc, out, err = self.cli("queue", "list")
        if rc != 0:
            raise CheckFailed("queue list failed (%d): %s" % (rc, err.strip()))
        return json.loads(out)

    def queue_len(self):
        q = self.queue()
        if isinstance(q, dict):
            for k in ("messages", "queue", "data", "items"):
                if isinstance(q.get(k), list):
                    return len(q[k])
            raise CheckFailed("unexpected queue list output: %r" % (q,))
        return len(q)

    def wait_queue_empty(self, timeout=DEADLINE):
        wait_for("the sealpost queue to be empty", lambda: self.queue_len() == 0, timeout, 0.2)

    def stop_sealpost(self):
        if self.daemon is None:
            return None
        if self.daemon.poll() is None:
            self.daemon.terminate()
            try:
                self.daemon.wait(40)
            except subprocess.TimeoutExpired:
                self.daemon.kill()
                self.daemon.wait(10)
        return self.daemon.returncode

    # ---- Postfix smtp-sink

    def start_smtp_sink(self):
        os.makedirs(self.smtp_sink_dir)
        os.chmod(self.smtp_sink_dir, 0o777)   # smtp-sink drops to "nobody"
        port = self.ports["smtpsink"]
        self.smtp_sink_log = open(os.path.join(self.work, "smtp-sink.log"), "wb")
        self.smtp_sink = subprocess.Popen(
            ["smtp-sink", "-u", "nobody", "-d", self.smtp_sink_dir + "/m.",
             "127.0.0.1:%d" % port, "256"],
            stdin=subprocess.DEVNULL, stdout=self.smtp_sink_log, stderr=subprocess.STDOUT)

        def ready():
            if self.smtp_sink.poll() is not None:
                raise CheckFailed("smtp-sink exited with %s: %s" % (
                    self.smtp_sink.returncode, tail(os.path.join(self.work, "smtp-sink.log"))))
            return greeting_ok(port)
        wait_for("smtp-sink to greet", ready, 20)

    def smtp_sink_files(self):
        return [os.path.join(self.smtp_sink_dir, n) for n in os.listdir(self.smtp_sink_dir)
                if n.startswith("m.")]

    # ---- private Postfix instance (bench/postfix_instance.sh)

    def postfix_helper(self, *args):
        helper = os.path.join(self.repo, "bench", "postfix_instance.sh")
        r = subprocess.run(["bash", helper, *args], capture_output=True, text=True, timeout=90)
        if r.returncode != 0:
            raise CheckFailed("postfix_instance.sh %s failed: %s%s" % (args[0], r.stdout, r.stderr))
        return r.stdout

    def stop_postfix(self):
        if self.postfix_dir and os.path.exists(os.path.join(self.postfix_dir, "etc")):
            try:
                self.postfix_helper("stop", self.postfix_dir)
            except Exception as e:  # noqa: BLE001 - cleanup must go on
                log("postfix stop: %s" % e)

    def cleanup(self):
        self.stop_postfix()
        if self.smtp_sink and self.smtp_sink.poll() is None:
            self.smtp_sink.terminate()
            try:
                self.smtp_sink.wait(10)
            except subprocess.TimeoutExpired:
                self.smtp_sink.kill()
        self.stop_sealpost()
        self.sink.stop()


# --------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------

CHECKS = []


def check(name):
    def deco(f):
        CHECKS.append((name, f))
        return f
    return deco


def smtp(env, listener, **kw):
    return smtplib.SMTP("127.0.0.1", env.ports[listener], timeout=IO_TIMEOUT,
                        local_hostname="client.peers.test", **kw)


def smtp_tls(env, listener):
    s = smtp(env, listener)
    s.ehlo()
    expect(s.has_extn("starttls"), "STARTTLS not advertised on %s" % listener)
    expect(not s.has_extn("auth"), "AUTH advertised before TLS on %s" % listener)
    s.starttls(context=no_verify_ctx())
    s.ehlo()
    return s


def expect_delivered(env, token, rcpts, proto=None):
    """The message with token arrived once (DSNs quoting it do not count)."""
    wait_for("%s at the recording sink" % token,
             lambda: [m for m in env.sink.find(token) if m.mail_from])
    ms = [m for m in env.sink.find(token) if m.mail_from]
    expect(len(ms) == 1, "expected 1 copy of %s, got %d" % (token, len(ms)))
    m = ms[0]
    expect(sorted(m.rcpts) == sorted(rcpts), "recipients %r, expected %r" % (m.rcpts, rcpts))
    if proto:
        expect(re.search(r"by sealpost\.peers\.test \(sealpost\) with %s id" % proto, m.text()),
               "no Received header 'with %s' in:\n%s" % (proto, m.text()[:600]))
    return m


def smtplib_send_auth(env, mech, tag, initial_response=True):
    token = "smtplib-%s-%s" % (tag, os.urandom(4).hex())
    with smtp_tls(env, "sub") as s:
        expect(s.has_extn("auth") and mech in s.esmtp_features["auth"].upper().split(),
               "AUTH %s not advertised after STARTTLS: %r" % (mech, s.esmtp_features.get("auth")))
        s.user, s.password = USER, PASSWORD
        fn = s.auth_plain if mech == "PLAIN" else s.auth_login
        code, resp = s.auth(mech, fn, initial_response_ok=initial_response)
        expect(code == 235, "AUTH %s: %d %r" % (mech, code, resp))
        refused = s.sendmail("a@%s" % SENDER_DOMAIN, ["%s@x.example" % tag], message(token))
        expect(not refused, "refused: %r" % refused)
    expect_delivered(env, token, ["%s@x.example" % tag], "ESMTPSA")


@check("smtplib: STARTTLS + AUTH PLAIN relays on a listener without relay-by-IP")
def c_auth_plain(env):
    smtplib_send_auth(env, "PLAIN", "plain")


@check("smtplib: STARTTLS + AUTH LOGIN (with and without initial response)")
def c_auth_login(env):
    smtplib_send_auth(env, "LOGIN", "login1", initial_response=True)
    smtplib_send_auth(env, "LOGIN", "login2", initial_response=False)


@check("smtplib: implicit TLS (SMTP_SSL) + AUTH on the auth=required listener")
def c_smtps(env):
    token = "smtps-%s" % os.urandom(4).hex()
    with smtplib.SMTP_SSL("127.0.0.1", env.ports["smtps"], timeout=IO_TIMEOUT,
                          local_hostname="client.peers.test", context=no_verify_ctx()) as s:
        s.ehlo()
        # auth=required: without AUTH the transaction is refused at MAIL.
        code, resp = s.mail("a@%s" % SENDER_DOMAIN)
        expect(code == 530 and resp.startswith(b"5.7."), "MAIL before AUTH: %d %r" % (code, resp))
        s.rset()
        s.login(USER, PASSWORD)
        refused = s.sendmail("a@%s" % SENDER_DOMAIN, ["smtps@x.example"], message(token))
        expect(not refused, "refused: %r" % refused)
    expect_delivered(env, token, ["smtps@x.example"], "ESMTPSA")


@check("smtplib: relay refused without AUTH (5.7.x at RCPT), with and without TLS")
def c_relay_refused(env):
    for use_tls in (False, True):
        s = smtp_tls(env, "sub") if use_tls else smtp(env, "sub")
        try:
            if not use_tls:
                s.ehlo()
            code, resp = s.mail("a@%s" % SENDER_DOMAIN)
            expect(code == 250, "MAIL: %d %r" % (code, resp))
            code, resp = s.rcpt("victim@elsewhere.example")
            expect(code in (530, 554), "RCPT without AUTH (tls=%s): %d %r" % (use_tls, code, resp))
            expect(resp.startswith(b"5.7."), "no 5.7.x enhanced code: %r" % resp)
            code, resp = s.docmd("DATA")
            expect(code in (503, 554), "DATA after refused RCPT: %d %r" % (code, resp))
        finally:
            s.close()


@check("STARTTLS: commands pipelined after STARTTLS are discarded, not run inside TLS")
def c_starttls_injection(env):
    c = Raw(env.ports["sub"])
    try:
        c.expect(220)
        c.send(b"EHLO client.peers.test\r\n")
        c.expect(250)
        # CVE-2011-0411 style: plaintext bytes after STARTTLS in the same write
        c.send(b"STARTTLS\r\nMAIL FROM:<injected@hosp.example>\r\n")
        c.expect(220)
        expect(c.buf == b"", "sealpost sent more than the 220 before the handshake: %r" % c.buf)
        c.sock = no_verify_ctx().wrap_socket(c.sock, server_hostname="sealpost.test")
        c.send(b"EHLO client.peers.test\r\n")
        code, text = c.reply()
        expect(code == 250 and "AUTH" in text,
               "first reply inside TLS is not the EHLO reply (injected command answered?): %r" % text)
        c.send(b"MAIL FROM:<a@hosp.example>\r\n")
        code, text = c.reply()
        expect(code == 250, "MAIL inside TLS: %r (the injected MAIL was kept?)" % text)
        c.send(b"QUIT\r\n")
        c.expect(221)
    finally:
        c.close()


@check("smtplib: wrong password gets 535 5.7.8, AUTH only after TLS")
def c_wrong_password(env):
    with smtp(env, "sub") as s:
        s.ehlo()
        code, resp = s.docmd("AUTH", "PLAIN " + base64.b64encode(
            b"\0%s\0%s" % (USER.encode(), PASSWORD.encode())).decode())
        expect(code in (503, 504, 530, 538) and code >= 500,
               "AUTH before STARTTLS: %d %r" % (code, resp))
    with smtp_tls(env, "sub") as s:
        try:
            s.login(USER, "not the password")
            raise CheckFailed("login with a wrong password succeeded")
        except smtplib.SMTPAuthenticationError as e:
            expect(e.smtp_code == 535 and e.smtp_error.startswith(b"5.7.8"),
                   "wrong password: %d %r" % (e.smtp_code, e.smtp_error))


@check("smtplib: authenticated sender limited to its sender domain (553 5.7.1)")
def c_sender_domain(env):
    with smtp_tls(env, "sub") as s:
        s.login(USER, PASSWORD)
        code, resp = s.mail("a@not-hosp.example")
        expect(code == 553 and resp.startswith(b"5.7.1"), "foreign sender: %d %r" % (code, resp))


@check("pipelining: EHLO, MAIL, RCPT x3, DATA in one write, replies in order")
def c_pipelining(env):
    token = "pipe-%s" % os.urandom(4).hex()
    rcpts = ["p%d@x.example" % i for i in (1, 2, 3)]
    c = Raw(env.ports["plain"])
    try:
        c.expect(220)
        c.send(b"EHLO client.peers.test\r\nMAIL FROM:<a@hosp.example>\r\n" +
               b"".join(b"RCPT TO:<%s>\r\n" % r.encode() for r in rcpts) + b"DATA\r\n")
        code, text = c.reply()
        expect(code == 250 and "PIPELINING" in text, "EHLO: %r" % text)
        c.expect(250)                      # MAIL
        for r in rcpts:
            code, text = c.reply()
            expect(code == 250, "RCPT %s: %r" % (r, text))
        c.expect(354)
        c.send(message(token).encode() + b".\r\nQUIT\r\n")
        code, text = c.reply()
        expect(code == 250, "end of data: %r" % text)
        c.expect(221)
    finally:
        c.close()
    expect_delivered(env, token, rcpts, "ESMTP")


@check("pipelining: two transactions in one write (MAIL..DATA, body, MAIL..DATA)")
def c_pipelining2(env):
    toks = ["pipe2a-%s" % os.urandom(4).hex(), "pipe2b-%s" % os.urandom(4).hex()]
    c = Raw(env.ports["plain"])
    try:
        c.expect(220)
        c.send(b"EHLO client.peers.test\r\n")
        c.expect(250)
        txn = lambda t: (b"MAIL FROM:<a@hosp.example>\r\nRCPT TO:<%s@x.example>\r\nDATA\r\n"
                         % t.encode())
        c.send(txn(toks[0]))
        c.expect(250), c.expect(250), c.expect(354)
        # the end of the first message and the whole second command group at once
        c.send(message(toks[0]).encode() + b".\r\n" + txn(toks[1]))
        c.expect(250), c.expect(250), c.expect(250), c.expect(354)
        c.send(message(toks[1]).encode() + b".\r\nQUIT\r\n")
        c.expect(250), c.expect(221)
    finally:
        c.close()
    for t in toks:
        expect_delivered(env, t, ["%s@x.example" % t])


@check("BDAT/CHUNKING (raw socket): two chunks, the last one LAST")
def c_bdat(env):
    token = "bdat-%s" % os.urandom(4).hex()
    body = message(token, body=".leading dot, no stuffing in BDAT\r\nend\r\n").encode()
    cut = len(body) // 2
    c = Raw(env.ports["plain"])
    try:
        c.expect(220)
        c.send(b"EHLO client.peers.test\r\n")
        code, text = c.reply()
        expect("CHUNKING" in text, "CHUNKING not advertised: %r" % text)
        c.send(b"MAIL FROM:<a@hosp.example>\r\nRCPT TO:<bdat@x.example>\r\n")
        c.expect(250), c.expect(250)
        c.send(b"BDAT %d\r\n" % cut + body[:cut])
        c.expect(250)
        c.send(b"BDAT %d LAST\r\n" % (len(body) - cut) + body[cut:])
        c.expect(250)
        c.send(b"QUIT\r\n")
        c.expect(221)
    finally:
        c.close()
    m = expect_delivered(env, token, ["bdat@x.example"])
    expect(b"\r\n.leading dot, no stuffing in BDAT\r\nend\r\n" in m.data,
           "BDAT body changed: %r" % m.data[-200:])
    expect(b"\r\n..leading dot" in m.wire, "not dot-stuffed towards the sink: %r" % m.wire[-200:])


def swaks(env, tag, *args, expect_rc=0):
    token = "swaks-%s-%s" % (tag, os.urandom(4).hex())
    cmd = ["swaks", "--server", "127.0.0.1", "--from", "a@%s" % SENDER_DOMAIN,
           "--helo", "swaks.peers.test", "--header", "X-Check: %s" % token,
           "--header", "Subject: %s" % token, "--body", "swaks body for %s" % token,
           "--timeout", "20", *args]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        raise CheckFailed("swaks timed out: %s" % " ".join(cmd))
    with open(os.path.join(env.work, "swaks-%s.log" % tag), "w") as f:
        f.write(r.stdout + r.stderr)
    expect(r.returncode == expect_rc, "swaks %s exited %d (expected %d):\n%s"
           % (tag, r.returncode, expect_rc, "\n".join((r.stdout + r.stderr).splitlines()[-15:])))
    return token, r.stdout


@check("swaks: --tls --auth PLAIN on the STARTTLS listener")
def c_swaks_tls(env):
    token, _ = swaks(env, "tls", "--port", str(env.ports["sub"]), "--to", "sw1@x.example",
                     "--tls", "--auth", "PLAIN", "--auth-user", USER, "--auth-password", PASSWORD)
    expect_delivered(env, token, ["sw1@x.example"], "ESMTPSA")


@check("swaks: --tls-on-connect --auth LOGIN on the implicit TLS listener")
def c_swaks_tlsc(env):
    token, _ = swaks(env, "tlsc", "--port", str(env.ports["smtps"]), "--to", "sw2@x.example",
                     "--tls-on-connect", "--auth", "LOGIN", "--auth-user", USER,
                     "--auth-password", PASSWORD)
    expect_delivered(env, token, ["sw2@x.example"], "ESMTPSA")


@check("swaks: --pipeline with two recipients")
def c_swaks_pipeline(env):
    token, out = swaks(env, "pipe", "--port", str(env.ports["plain"]),
                       "--to", "sw3@x.example,sw4@x.example", "--pipeline")
    expect(re.search(r"(?m)^ *-> .*MAIL FROM.*\n *-> .*RCPT TO", out),
           "swaks did not pipeline MAIL and RCPT:\n%s" % out[-1500:])
    expect_delivered(env, token, ["sw3@x.example", "sw4@x.example"])


@check("swaks: wrong password fails (exit 28), relay without AUTH fails (exit 24)")
def c_swaks_neg(env):
    swaks(env, "badpw", "--port", str(env.ports["sub"]), "--to", "sw5@x.example", "--tls",
          "--auth", "PLAIN", "--auth-user", USER, "--auth-password", "wrong", expect_rc=28)
    swaks(env, "noauth", "--port", str(env.ports["sub"]), "--to", "sw6@x.example", "--tls",
          expect_rc=24)


def swaks_has_bdat():
    r = subprocess.run(["swaks", "--help"], capture_output=True, text=True, timeout=30)
    return re.search(r"--bdat|BDAT|CHUNKING", r.stdout + r.stderr) is not None


@check("swaks: BDAT/CHUNKING")
def c_swaks_bdat(env):
    if not swaks_has_bdat():
        return "SKIP: this swaks (%s) has no BDAT support; CHUNKING is covered by the raw-socket check" \
            % subprocess.run(["swaks", "--version"], capture_output=True, text=True,
                             timeout=30).stdout.strip().splitlines()[0]
    token, _ = swaks(env, "bdat", "--port", str(env.ports["plain"]), "--to", "sw7@x.example",
                     "--bdat")
    expect_delivered(env, token, ["sw7@x.example"])


@check("smtp-source 200 x 5 KiB in 8 sessions -> sealpost -> smtp-sink: all arrive, once")
def c_bulk(env):
    n = 200
    env.start_smtp_sink()
    t0 = time.monotonic()
    try:
        r = subprocess.run(["smtp-source", "-s", "8", "-m", str(n), "-l", "5120",
                            "-M", "source.peers.test", "-f", "a@%s" % SENDER_DOMAIN,
                            "-t", "b@bulk.example", "127.0.0.1:%d" % env.ports["plain"]],
                           capture_output=True, text=True, timeout=90)
    except subprocess.TimeoutExpired:
        raise CheckFailed("smtp-source did not finish in 90s")
    expect(r.returncode == 0, "smtp-source exited %d: %s" % (r.returncode, r.stdout + r.stderr))
    t1 = time.monotonic()
    wait_for("%d dump files from smtp-sink" % n, lambda: len(env.smtp_sink_files()) >= n, 90, 0.1)
    env.wait_queue_empty()   # every delivery got its 250: all dump files are complete
    t2 = time.monotonic()
    files = env.smtp_sink_files()
    expect(len(files) == n, "smtp-sink got %d messages, expected %d" % (len(files), n))
    ids, mids = set(), set()
    for p in files:
        with open(p, "rb") as f:
            d = f.read()
        expect(b"X-Rcpt-Args: <b@bulk.example>" in d, "%s: wrong recipient" % p)
        m = re.search(rb"\(sealpost\) with E?SMTP id (\S+);", d)
        expect(m, "%s: no sealpost Received header" % p)
        mid = re.search(rb"(?mi)^Message-Id: (\S+)", d)
        expect(mid, "%s: no Message-Id" % p)
        ids.add(m.group(1))
        mids.add(mid.group(1))
        expect(len(d) > 5120, "%s: truncated (%d bytes)" % (p, len(d)))
    expect(len(ids) == n, "only %d distinct sealpost queue ids among %d files" % (len(ids), n))
    expect(len(mids) == n, "only %d distinct Message-Ids among %d files (duplicates)" % (len(mids), n))
    log("bulk: submitted in %.1fs, all delivered after %.1fs" % (t1 - t0, t2 - t0))


@check("Postfix as a client: Postfix relays through sealpost (STARTTLS) to the sink")
def c_postfix_client(env):
    d = env.postfix_dir = os.path.join(env.work, "postfix")
    os.makedirs(d)
    listen = free_port()
    env.postfix_helper("setup", d, str(listen), str(env.ports["mta"]))
    etc = os.path.join(d, "etc")
    r = subprocess.run(["postconf", "-c", etc, "-e",
                        "relayhost = [127.0.0.1]:%d" % env.ports["mta"],
                        "smtp_tls_security_level = may",
                        "smtp_tls_loglevel = 1",
                        "inet_protocols = ipv4",
                        "smtp_dns_support_level = disabled",
                        "myhostname = postfix-client.peers.test"],
                       capture_output=True, text=True, timeout=30)
    expect(r.returncode == 0, "postconf: %s" % r.stderr)
    env.postfix_helper("start", d)
    wait_for("the private Postfix to greet on %d" % listen, lambda: greeting_ok(listen), 30, 0.1)
    token = "postfix-%s" % os.urandom(4).hex()
    with smtplib.SMTP("127.0.0.1", listen, timeout=IO_TIMEOUT, local_hostname="client.peers.test") as s:
        refused = s.sendmail("a@%s" % SENDER_DOMAIN, ["pf@x.example"], message(token))
        expect(not refused, "Postfix refused: %r" % refused)
    try:
        m = expect_delivered(env, token, ["pf@x.example"], "ESMTPS")
    except CheckFailed as e:
        raise CheckFailed("%s\nPostfix maillog:\n%s" % (e, tail(os.path.join(d, "maillog"))))
    expect("Received: from postfix-client.peers.test" in m.text(),
           "sealpost's Received header does not name Postfix's EHLO")
    maillog = tail(os.path.join(d, "maillog"), 200)
    expect(re.search(r"TLS connection established to 127\.0\.0\.1\[127\.0\.0\.1\]:%d"
                     % env.ports["mta"], maillog), "Postfix did not use TLS:\n%s" % maillog)
    expect(re.search(r"relay=127\.0\.0\.1\[127\.0\.0\.1\]:%d.*status=sent" % env.ports["mta"],
                     maillog), "Postfix did not log status=sent:\n%s" % maillog)
    env.postfix_helper("stop", d)
    pid_file = os.path.join(d, "queue", "pid", "master.pid")
    expect(not postfix_running(pid_file), "Postfix master still running after stop")


def postfix_running(pid_file):
    try:
        with open(pid_file) as f:
            pid = int(f.read().strip())
        os.kill(pid, 0)
        return True
    except (OSError, ValueError):
        return False


def tail(path, n=30):
    try:
        with open(path, "rb") as f:
            return b"\n".join(f.read().splitlines()[-n:]).decode("utf-8", "replace")
    except OSError:
        return "(no %s)" % path


@check("content: leading-dot lines survive (dot-stuffing both ways)")
def c_dots(env):
    token = "dots-%s" % os.urandom(4).hex()
    body = ".leading dot\r\n..two dots\r\n.\r\n. space\r\nlast line\r\n"
    with smtp(env, "plain") as s:
        s.sendmail("a@%s" % SENDER_DOMAIN, ["dots@x.example"], message(token, body=body))
    m = expect_delivered(env, token, ["dots@x.example"])
    expect(m.data.endswith(body.encode()), "body changed: %r" % m.data[-120:])
    expect(m.wire.endswith(b"..leading dot\r\n...two dots\r\n..\r\n.. space\r\nlast line\r\n"),
           "not dot-stuffed on the wire towards the sink: %r" % m.wire[-120:])


@check("content: 8-bit UTF-8 body with BODY=8BITMIME survives byte for byte")
def c_8bit(env):
    token = "8bit-%s" % os.urandom(4).hex()
    body = "Grüße aus Köln – 東京 – Ωμέγα – emoji 📨\r\nßßß\r\n"
    msg = (message(token, body=body, extra_headers="MIME-Version: 1.0\r\n"
                   "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n")
           ).encode("utf-8")
    with smtp(env, "plain") as s:
        s.ehlo()
        expect(s.has_extn("8bitmime"), "8BITMIME not advertised")
        s.sendmail("a@%s" % SENDER_DOMAIN, ["eight@x.example"], msg, mail_options=["BODY=8BITMIME"])
    m = expect_delivered(env, token, ["eight@x.example"])
    expect(m.data.endswith(body.encode("utf-8")), "8-bit body changed: %r" % m.data[-120:])
    expect("BODY=8BITMIME" in m.mail_line.upper(),
           "BODY=8BITMIME not passed on to an 8BITMIME next hop: %r" % m.mail_line)


@check("content: SMTPUTF8 addresses accepted and passed on")
def c_smtputf8(env):
    token = "utf8-%s" % os.urandom(4).hex()
    sender, rcpt = "josé@hosp.example", "用户@x.example"
    msg = message(token, body="Non-ASCII envelope.\r\n").replace(
        "To: <b@x.example>", "To: <%s>" % rcpt).encode("utf-8")
    with smtp(env, "plain") as s:
        s.ehlo()
        expect(s.has_extn("smtputf8"), "SMTPUTF8 not advertised")
        refused = s.sendmail(sender, [rcpt], msg, mail_options=["SMTPUTF8", "BODY=8BITMIME"])
        expect(not refused, "refused: %r" % refused)
    m = expect_delivered(env, token, [rcpt], "UTF8ESMTP")
    expect(m.mail_from == sender, "sender %r, expected %r" % (m.mail_from, sender))
    expect("SMTPUTF8" in m.mail_line.upper(), "SMTPUTF8 not passed on: %r" % m.mail_line)


@check("limits: oversized message gets 552 5.3.4 (declared SIZE and mid-stream)")
def c_oversize(env):
    big = env.max_size * 2
    with smtp(env, "plain") as s:
        s.ehlo()
        expect(s.does_esmtp and int(s.esmtp_features.get("size", "0") or 0) == env.max_size,
               "SIZE %r advertised, expected %d" % (s.esmtp_features.get("size"), env.max_size))
        code, resp = s.docmd("MAIL FROM:<a@hosp.example> SIZE=%d" % big)
        expect(code == 552 and resp.startswith(b"5.3.4"), "declared SIZE: %d %r" % (code, resp))
    token = "big-%s" % os.urandom(4).hex()
    line = b"x" * 98 + CRLF
    body = message(token).encode() + line * (big // len(line))
    c = Raw(env.ports["plain"])
    try:
        c.expect(220)
        c.send(b"EHLO client.peers.test\r\nMAIL FROM:<a@hosp.example>\r\nRCPT TO:<big@x.example>\r\nDATA\r\n")
        c.expect(250), c.expect(250), c.expect(250), c.expect(354)
        try:
            c.send(body + b".\r\n")
        except (BrokenPipeError, ConnectionResetError) as e:
            log("oversize: sealpost closed while we were still sending (%s)" % e)
        code, text = c.reply()
        expect(code == 552 and text[4:].startswith("5.3.4"), "mid-stream oversize: %r" % text)
    finally:
        c.close()
    env.smuggle_tokens.append(token)   # must never arrive; verified with the smuggling check


SMUGGLE_VARIANTS = {
    "LF.LF": b"\n.\n",
    "LF.CRLF": b"\n.\r\n",
    "CRLF.LF": b"\r\n.\n",
    "CR.CR": b"\r.\r",
}


@check("smuggling: bare LF/CR end-of-data variants get 550 5.6.11, nothing smuggled arrives")
def c_smuggle(env):
    for name, eod in SMUGGLE_VARIANTS.items():
        token = "smuggle-%s-%s" % (name, os.urandom(3).hex())
        env.smuggle_tokens.append(token)
        payload = (message(token, body="first part").encode() + eod +
                   b"MAIL FROM:<evil@hosp.example>\r\nRCPT TO:<smuggled-%s@x.example>\r\nDATA\r\n"
                   % name.encode() +
                   b"Subject: SMUGGLED " + token.encode() + b"\r\n\r\nsmuggled body\r\n.\r\nQUIT\r\n")
        c = Raw(env.ports["plain"])
        try:
            c.expect(220)
            c.send(b"EHLO client.peers.test\r\nMAIL FROM:<a@hosp.example>\r\nRCPT TO:<smug@x.example>\r\nDATA\r\n")
            c.expect(250), c.expect(250), c.expect(250), c.expect(354)
            try:
                c.send(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass
            code, text = c.reply()
            expect(code == 550 and text[4:].startswith("5.6.11"), "%s: %r" % (name, text))
            rest = []
            try:
                for _ in range(10):
                    rest.append(c.reply()[1])
            except (EOFError, OSError):
                pass
            expect(not any(r.startswith(("250", "354")) for r in rest),
                   "%s: smuggled commands were answered: %r" % (name, rest))
        finally:
            c.close()
    # A marker sent after all of the above; once it has arrived and the queue
    # is empty, anything that was going to be delivered has been delivered.
    marker = "after-smuggle-%s" % os.urandom(4).hex()
    with smtp(env, "plain") as s:
        s.sendmail("a@%s" % SENDER_DOMAIN, ["marker@x.example"], message(marker))
    env.sink.wait_token(marker)
    env.wait_queue_empty()
    bad = [m for m in env.sink.all()
           if any(t.encode() in m.data for t in env.smuggle_tokens)
           or b"SMUGGLED" in m.data or any("smuggled" in r or r == "big@x.example" for r in m.rcpts)]
    expect(not bad, "smuggled or oversized content reached the sink: %r" % bad)
    expect(env.sink.bare_lf_sessions == 0, "sealpost sent bare LF to the sink")


@check("permanent failure: 550 at the next hop -> DSN from <> back to the sender")
def c_dsn(env):
    token = "dsn-%s" % os.urandom(4).hex()
    sender = "bounce-me-%s@%s" % (token[-8:], SENDER_DOMAIN)
    with smtp(env, "plain") as s:
        refused = s.sendmail(sender, ["ok-%s@x.example" % token[-8:], "user-reject@x.example"],
                             message(token))
        expect(not refused, "sealpost refused at submission: %r" % refused)
    expect_delivered(env, token, ["ok-%s@x.example" % token[-8:]])

    def dsn():
        return [m for m in env.sink.all() if m.mail_from == "" and sender in m.rcpts]
    ms = wait_for("a DSN to %s" % sender, dsn)
    expect(len(ms) == 1, "%d DSNs" % len(ms))
    t = ms[0].text()
    for needle in ("multipart/report", "report-type=\"delivery-status\"", "message/delivery-status",
                   "user-reject@x.example", "Action: failed", "Status: 5.1.1"):
        expect(needle.lower() in t.lower(), "DSN lacks %r:\n%s" % (needle, t[:2000]))
    expect("ok-%s@x.example" % token[-8:] not in t.split("message/delivery-status", 1)[-1]
           .split("\r\n--", 1)[0], "the delivered recipient is listed as failed")
    env.wait_queue_empty()


@check("sealpost is still running and stops cleanly on SIGTERM (exit 0)")
def c_alive(env):
    expect(env.alive(), "sealpost died: exit %s\n%s" % (env.daemon.poll(), env.log_tail()))
    rc = env.stop_sealpost()
    expect(rc == 0, "exit status %s after SIGTERM\n%s" % (rc, env.log_tail()))
    for pat in (rb"panic", rb"thread '.*' panicked"):
        with open(env.log_path, "rb") as f:
            expect(not re.search(pat, f.read()), "the log mentions a panic:\n%s" % env.log_tail())


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--repo", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--only", default="", help="comma-separated substrings of check names")
    args = ap.parse_args()

    for tool in ("swaks", "smtp-sink", "smtp-source", "postfix", "postconf"):
        if not shutil.which(tool):
            print("FAIL setup: %s not found in PATH" % tool)
            print("0 passed, 1 failed")
            return 1

    env = Env(args)
    passed = failed = 0
    t_start = time.monotonic()
    try:
        try:
            env.start_sealpost()
        except Exception as e:  # noqa: BLE001
            print("FAIL setup: %s" % e, flush=True)
            print("0 passed, 1 failed", flush=True)
            return 1
        only = [o.strip() for o in args.only.split(",") if o.strip()]
        for name, fn in CHECKS:
            if only and not any(o in name for o in only) and fn is not c_alive:
                continue
            t0 = time.monotonic()
            try:
                res = fn(env)
                if isinstance(res, str) and res.startswith("SKIP"):
                    print("SKIP %s (%s)" % (name, res[5:].strip()), flush=True)
                    continue
                passed += 1
                print("PASS %s (%.1fs)" % (name, time.monotonic() - t0), flush=True)
            except CheckFailed as e:
                failed += 1
                print("FAIL %s: %s" % (name, e), flush=True)
            except Exception as e:  # noqa: BLE001 - an unexpected error is a failure
                failed += 1
                print("FAIL %s: %s: %s\n%s" % (name, type(e).__name__, e,
                                               traceback.format_exc(limit=3)), flush=True)
            if fn is not c_alive and not env.alive():
                failed += 1
                print("FAIL sealpost crashed during \"%s\" (exit %s):\n%s"
                      % (name, env.daemon.poll(), env.log_tail()), flush=True)
                break
    finally:
        env.cleanup()
    if failed:
        print("sealpost log (last lines):\n%s" % env.log_tail(40), file=sys.stderr)
    log("done in %.1fs" % (time.monotonic() - t_start))
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

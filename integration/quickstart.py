#!/usr/bin/env python3
"""The README's quick start, run as written, in a clean copy of the tree.

Takes the shell blocks marked `<!-- quickstart:NAME -->` from README.md (so
the README cannot drift from what works), copies the repository's files
into a fresh directory, and there:
  run     starts sealpost (scripts/run.sh: packages, build, serve) and waits
          for its "sealpost ready" report,
  send    sends the PHI message with swaks,
  outbox  lists the delivered copies,
  portal  follows the notice link with curl against the self-signed cert.
Then it checks what a new user would look for: a notice for the recipient in
var/outbox/new with a link, no PHI value from the message in any delivered
file, the portal page from sealpost, and the policy verdict in the log.

The quick start's fixed ports (2587, 2465, 8443, 9187) are replaced by free
ones in the copied config and in the commands, so parallel runs never clash.
Environment: CARGO_TARGET_DIR is passed on (CI reuses its build);
QUICKSTART_TIMEOUT (s, default 900) bounds the whole run.
"""
import os, re, shutil, signal, socket, subprocess, sys, tempfile, time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEADLINE = time.monotonic() + float(os.environ.get("QUICKSTART_TIMEOUT", "900"))
PHI_VALUES = ["00482913", "03/14/1961", "E11.9", "HbA1c"]


def fail(msg):
    print(f"FAIL quickstart: {msg}")
    sys.exit(1)


def blocks():
    text = open(os.path.join(REPO, "README.md"), encoding="utf-8").read()
    found = dict(re.findall(r"<!-- quickstart:(\w+) -->\s*```sh\n(.*?)```", text, re.S))
    for name in ("run", "send", "outbox", "portal", "api"):
        if name not in found:
            fail(f"README.md has no quickstart:{name} block")
    return found


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_copy(dest):
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, check=True, capture_output=True).stdout.split(b"\0")
    for f in filter(None, files):
        src = os.path.join(REPO, f.decode())
        if not os.path.isfile(src):
            continue
        dst = os.path.join(dest, f.decode())
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)


def main():
    cmds = blocks()
    work = tempfile.mkdtemp(prefix="sealpost-quickstart-")
    tree = os.path.join(work, "sealpost")
    clean_copy(tree)
    ports = {p: str(free_port()) for p in ("2587", "2465", "8443", "9187", "8025")}

    def localise(text):
        for old, new in ports.items():
            text = re.sub(rf"(127\.0\.0\.1:){old}\b", rf"\g<1>{new}", text)
        return text

    conf = os.path.join(tree, "conf", "sealpost.toml")
    with open(conf, encoding="utf-8") as f:
        body = f.read()
    with open(conf, "w", encoding="utf-8") as f:
        f.write(localise(body))
    env = dict(os.environ)
    env.setdefault("SEALPOST_LOG", "info")
    log_path = os.path.join(work, "daemon.log")
    log = open(log_path, "w")
    daemon = subprocess.Popen(["bash", "-c", localise(cmds["run"])], cwd=tree, env=env,
                              stdout=subprocess.PIPE, stderr=log, text=True,
                              start_new_session=True)
    ok = False
    try:
        ready = False
        report = []
        while time.monotonic() < DEADLINE:
            line = daemon.stdout.readline()
            if not line:
                break
            report.append(line)
            if line.startswith("sealpost ready"):
                ready = True
            elif ready and not line.startswith("  "):
                break
            if ready and "route" in line:
                break
        if not ready:
            log.flush()
            fail("no 'sealpost ready' report; log tail:\n" + open(log_path).read()[-3000:])
        print("".join(report), end="")

        def run(name):
            left = max(5, DEADLINE - time.monotonic())
            r = subprocess.run(["bash", "-euo", "pipefail", "-c", localise(cmds[name])],
                               cwd=tree, env=env, capture_output=True, text=True,
                               timeout=min(120, left))
            if r.returncode != 0:
                fail(f"{name} block exited {r.returncode}: {r.stderr[-2000:]}")
            return r.stdout

        run("send")
        new_dir = os.path.join(tree, "var", "outbox", "new")
        notice = None
        while time.monotonic() < DEADLINE and notice is None:
            for n in sorted(os.listdir(new_dir)) if os.path.isdir(new_dir) else []:
                data = open(os.path.join(new_dir, n), "rb").read()
                if b"/m/" in data and b"Delivered-To: maria.haddad@example.net" in data:
                    notice = data
            time.sleep(0.2)
        if notice is None:
            fail("no portal notice for the recipient in var/outbox/new")
        out = run("outbox")
        if "Delivered-To: maria.haddad@example.net" not in out or "/m/" not in out:
            fail(f"outbox block did not show the notice: {out!r}")
        for n in os.listdir(new_dir):
            data = open(os.path.join(new_dir, n), "rb").read()
            for v in PHI_VALUES:
                if v.encode() in data:
                    fail(f"PHI value {v!r} delivered in the clear in {n}")
        page = run("portal")
        if "You have a secure message" not in page or "Example Clinic" not in page or "Email me a code" not in page:
            fail(f"portal block did not get the portal page: {page[:500]!r}")
        sent = run("api")
        if '"status":"queued"' not in sent or '"priority":9' not in sent:
            fail(f"api block did not get a 202 answer: {sent[:500]!r}")
        log.flush()
        text = open(log_path).read()
        if not re.search(r"accepted.*protection=Encrypt", text):
            fail("the log shows no 'accepted ... protection=Encrypt' verdict")
        ok = True
        print("PASS quickstart: README commands work as written (run, send, outbox, portal, api)")
    finally:
        try:
            os.killpg(daemon.pid, signal.SIGTERM)
            daemon.wait(timeout=30)
        except Exception:
            os.killpg(daemon.pid, signal.SIGKILL)
        if ok and not os.environ.get("KEEP_WORK"):
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"work directory kept: {work}")


if __name__ == "__main__":
    main()

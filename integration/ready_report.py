"""The start-up report of `sealpost serve`, read by the scripts that start it.

Once it is ready, sealpost prints on standard output:

    sealpost ready
      metrics     http://127.0.0.1:40002/metrics
      smtp        127.0.0.1:40001 (plain: submission, no TLS)
      ...
    (an empty line ends the report)

Every address there is the one the daemon bound, so a script can configure
`address = "127.0.0.1:0"` and read the ports back instead of choosing free
ports in advance (a port chosen that way can be taken by another process
before sealpost binds it). The report comes from the child the script
started, so readiness is that daemon's, not "something greets on the port".

Python 3 standard library only; used by integration/peers.py,
integration/crash_test.py and bench/relay_bench.py.
"""
import asyncio
import queue
import threading
import time

READY = "sealpost ready"


class Report:
    def __init__(self, lines):
        self.lines = lines
        self.listeners = {}   # listener name -> port
        self.metrics = None   # port
        self.portal = None    # port
        self.api = None       # port
        self.api_scheme = None
        for line in lines:
            words = line.split()
            if len(words) < 2:
                continue
            kind, addr = words[0], words[1]
            for prefix in ("http://", "https://"):
                if addr.startswith(prefix):
                    addr = addr[len(prefix):]
            if addr.endswith("/metrics"):
                addr = addr[:-len("/metrics")]
            try:
                port = int(addr.rsplit(":", 1)[1])
            except (IndexError, ValueError):
                continue
            if kind == "metrics":
                self.metrics = port
            elif kind == "portal":
                self.portal = port
            elif kind == "api":
                self.api = port
                self.api_scheme = "https" if words[1].startswith("https://") else "http"
            elif kind == "smtp" and "(" in line:
                # "(NAME: mode, tls)": mode and TLS have no colon, so the
                # name is everything before the last ": ".
                rest = line.split("(", 1)[1]
                if ": " in rest:
                    self.listeners[rest.rsplit(": ", 1)[0]] = port

    def port(self, name):
        if name not in self.listeners:
            raise RuntimeError("no listener %r in the ready report:\n%s" % (name, self.text()))
        return self.listeners[name]

    def text(self):
        return "\n".join(self.lines)


class Collector:
    """Feed it standard output line by line; `report` is set once complete."""

    def __init__(self):
        self.lines = None
        self.report = None

    def feed(self, line):
        line = line.rstrip("\r\n")
        if self.report is not None:
            return
        if self.lines is None:
            if line == READY:
                self.lines = []
        elif line.strip() == "":
            self.report = Report(self.lines)
        else:
            self.lines.append(line.strip())


def wait_ready(proc, timeout, copy=None, what="sealpost"):
    """The report of `proc` (a subprocess.Popen with stdout=PIPE, text mode).

    A thread reads its standard output to the end, copying every line to
    `copy` (an open text file) when given, so the daemon never blocks on a
    full pipe. Raises RuntimeError if the process exits or `timeout`
    seconds pass first."""
    found = queue.Queue()
    c = Collector()

    def pump():
        for line in proc.stdout:
            if copy is not None:
                copy.write(line)
                copy.flush()
            had = c.report is not None
            c.feed(line)
            if not had and c.report is not None:
                found.put(c.report)
        found.put(None)

    threading.Thread(target=pump, daemon=True).start()
    try:
        report = found.get(timeout=timeout)
    except queue.Empty:
        raise RuntimeError("%s printed no ready report within %ss" % (what, timeout))
    if report is None:
        try:
            proc.wait(10)
        except Exception:
            pass
        raise RuntimeError("%s exited (status %s) before its ready report" % (what, proc.poll()))
    return report


async def wait_ready_async(proc, timeout, copy=None, what="sealpost"):
    """As wait_ready, for an asyncio subprocess with stdout=PIPE: returns
    the report; a task keeps draining standard output into `copy` (an open
    binary file) afterwards."""
    c = Collector()
    deadline = time.monotonic() + timeout

    async def next_line():
        left = deadline - time.monotonic()
        if left <= 0:
            raise RuntimeError("%s printed no ready report within %ss" % (what, timeout))
        try:
            return await asyncio.wait_for(proc.stdout.readline(), left)
        except asyncio.TimeoutError:
            raise RuntimeError("%s printed no ready report within %ss" % (what, timeout))

    while c.report is None:
        line = await next_line()
        if not line:
            await proc.wait()
            raise RuntimeError("%s exited (status %s) before its ready report"
                               % (what, proc.returncode))
        if copy is not None:
            copy.write(line)
            copy.flush()
        c.feed(line.decode("utf-8", "replace"))

    async def drain():
        while True:
            line = await proc.stdout.readline()
            if not line:
                return
            if copy is not None:
                copy.write(line)
                copy.flush()

    proc.drain_task = asyncio.ensure_future(drain())
    return c.report

#!/usr/bin/env python3
"""Real-client checks of sealpost's REST API (driven by integration/api_check.sh).

Starts the real sealpost binary with the API on HTTPS (127.0.0.1:0, the port
read from its ready report) and every domain routed to a recording SMTP sink
on 127.0.0.1, then:

  * openapi     the document served at /v1/openapi.yaml is the repository's,
                is valid OpenAPI 3.1 (openapi-spec-validator), and every
                example in it validates against its schema (jsonschema);
  * oauth       authlib's OAuth2Session obtains a token by the client
                credentials grant, with client_secret_basic and with
                client_secret_post, and uses it to send and to read status;
  * webhooks    a receiver (http.server) that is down (503) for a while,
                then up: every event arrives, each verified by the
                `standardwebhooks` library, repeats only with the same
                webhook-id and body;
  * schemathesis  generated requests for every operation of the document
                against the live API: no 5xx, every response conforms to the
                document (status code, content type, headers, schema).

Each check prints "PASS name" or "FAIL name: why"; the last line is
"N passed, M failed". Traffic stays on 127.0.0.1.

usage: api_check.py --bin SEALPOST --workdir DIR [--only NAME,...]
"""
import argparse
import base64
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import traceback

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ready_report  # noqa: E402
from peers import RecordingSink, CheckFailed, expect, wait_for, log  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Env:
    def __init__(self, binary, workdir):
        self.bin = binary
        self.dir = workdir
        self.sink = RecordingSink()
        # A certificate for 127.0.0.1, so clients verify the API's TLS.
        self.cert = os.path.join(workdir, "api-cert.pem")
        key = os.path.join(workdir, "api-key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", self.cert],
                       check=True, capture_output=True)
        self.config = os.path.join(workdir, "sealpost.toml")
        with open(self.config, "w") as f:
            f.write(f"""
[server]
hostname = "relay.test"
spool_dir = "{workdir}/spool"
users_file = "{workdir}/users.toml"

[[listener]]
name = "plain"
address = "127.0.0.1:0"
tls = "none"
auth = "none"
allow_relay_from = ["127.0.0.0/8"]

[[route]]
domains = ["*"]
host = "127.0.0.1:{self.sink.port}"
tls = "none"

[metrics]
address = "127.0.0.1:0"

[tls]
cert = "{self.cert}"
key = "{key}"

[secure]
openpgp_keyring = "{workdir}/keys/openpgp"
smime_certs = "{workdir}/keys/smime"

[delivery]
retry_schedule = ["1s"]

[api]
listen = "127.0.0.1:0"
tls = "implicit"
webhook_retry_base = "300ms"
webhook_retry_max = "2s"
""")
        self.log = open(os.path.join(workdir, "sealpost.log"), "w")
        self.proc = subprocess.Popen(
            [self.bin, "serve", "--config", self.config],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        report = ready_report.wait_ready(self.proc, 30)
        expect(report.api and report.api_scheme == "https", "no https api line in:\n" + report.text())
        self.base = "https://127.0.0.1:%d" % report.api

    def cli(self, *args):
        r = subprocess.run([self.bin, *args, "--config", self.config],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise CheckFailed("sealpost %s: %s" % (" ".join(args), r.stderr.strip()))
        return r.stdout

    def add_key(self, name, scopes, *extra):
        out = self.cli("apikey", "add", name, "--scopes", scopes, *extra, "--json")
        v = json.loads(out)
        return v["client_id"], v["client_secret"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.sink.stop()


def message(to, **kw):
    m = {"from": "notify@clinic.example", "to": [to], "subject": "Reminder",
         "text": "Your appointment is tomorrow."}
    m.update(kw)
    return m


# --------------------------------------------------------------- openapi

def resolve(node, doc):
    """The schema with every local $ref replaced by its target."""
    if isinstance(node, dict):
        if "$ref" in node and len(node) == 1:
            target = doc
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return resolve(target, doc)
        return {k: resolve(v, doc) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v, doc) for v in node]
    return node


def c_openapi(env):
    import yaml
    import jsonschema
    from openapi_spec_validator import validate
    served = requests.get(env.base + "/v1/openapi.yaml", verify=env.cert, timeout=10)
    expect(served.status_code == 200, "GET /v1/openapi.yaml: %s" % served.status_code)
    with open(os.path.join(REPO, "api", "openapi.yaml")) as f:
        expect(served.text == f.read(), "the served document differs from api/openapi.yaml")
    doc = yaml.safe_load(served.text)
    validate(doc)
    checked = 0

    def media_examples(content):
        nonlocal checked
        for ctype, media in (content or {}).items():
            if "example" in media and "schema" in media and ctype.endswith("json"):
                schema = resolve(media["schema"], doc)
                jsonschema.Draft202012Validator(schema).validate(media["example"])
                checked += 1

    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in ("get", "put", "post", "delete"):
                continue
            media_examples((op.get("requestBody") or {}).get("content"))
            for resp in op.get("responses", {}).values():
                media_examples(resolve(resp, doc).get("content"))
    for name, schema in doc["components"]["schemas"].items():
        if "example" in schema:
            jsonschema.Draft202012Validator(resolve(schema, doc)).validate(schema["example"])
            checked += 1
    expect(checked >= 10, "only %d examples checked" % checked)
    log("openapi: %d examples valid" % checked)


# --------------------------------------------------------------- oauth

def c_oauth(env):
    from authlib.integrations.requests_client import OAuth2Session
    cid, secret = env.add_key("oauth-client", "send,read")
    for method in ("client_secret_basic", "client_secret_post"):
        s = OAuth2Session(cid, secret, scope="send read", token_endpoint_auth_method=method)
        s.verify = env.cert
        s.trust_env = False   # REQUESTS_CA_BUNDLE would replace `verify`
        token = s.fetch_token(env.base + "/oauth/token", grant_type="client_credentials",
                              verify=env.cert)
        expect(token.get("token_type") == "Bearer" and token.get("expires_in") == 900,
               "%s: token %r" % (method, {k: v for k, v in token.items() if k != "access_token"}))
        r = s.post(env.base + "/v1/messages", json=message("oauth-%s@example.net" % method))
        expect(r.status_code == 202, "%s: send %s %s" % (method, r.status_code, r.text))
        qid = r.json()["id"]
        st = wait_for("delivery of %s" % qid,
                      lambda: s.get(env.base + "/v1/messages/" + qid).json()
                      if s.get(env.base + "/v1/messages/" + qid).json()["recipients"][0]["status"] == "delivered"
                      else None)
        expect(st["recipients"][0]["method"] == "plain", "status %r" % st)
    # A wrong secret is refused with RFC 6749's error code.
    from authlib.integrations.base_client.errors import OAuthError
    s = OAuth2Session(cid, "wrong", scope="send")
    s.verify = env.cert
    try:
        s.fetch_token(env.base + "/oauth/token", grant_type="client_credentials", verify=env.cert)
        raise CheckFailed("a wrong secret got a token")
    except OAuthError as e:
        expect(e.error == "invalid_client", "error %r" % e.error)


# --------------------------------------------------------------- webhooks

class Receiver:
    """Records every POST; answers `status` (503 while "down")."""

    def __init__(self):
        self.lock = threading.Lock()
        self.got = []
        self.status = 503
        me = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(n)
                with me.lock:
                    me.got.append((dict(self.headers), body))
                    status = me.status
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def all(self):
        with self.lock:
            return list(self.got)


def c_webhooks(env):
    from standardwebhooks.webhooks import Webhook
    cid, secret = env.add_key("hooks", "send,read,admin")
    auth = {"Authorization": "Bearer %s.%s" % (cid, secret)}
    rx = Receiver()
    r = requests.post(env.base + "/v1/webhooks", headers=auth, verify=env.cert, timeout=10,
                      json={"url": "http://127.0.0.1:%d/events" % rx.port,
                            "events": ["accepted", "delivered", "bounced"]})
    expect(r.status_code == 201, "create webhook: %s %s" % (r.status_code, r.text))
    whsec = r.json()["secret"]
    ids = []
    for i in range(4):
        to = "reject-%d@example.net" % i if i == 3 else "pat%d@example.net" % i
        r = requests.post(env.base + "/v1/messages", headers=auth, json=message(to),
                          verify=env.cert, timeout=10)
        expect(r.status_code == 202, "send: %s %s" % (r.status_code, r.text))
        ids.append(r.json()["id"])
    # Down: wait until every event has been refused at least twice.
    wait_for("retries while the receiver is down", lambda: len(rx.all()) >= 16, timeout=60)
    with rx.lock:
        rx.status = 204
    want = {(t, q) for q in ids[:3] for t in ("accepted", "delivered")}
    want |= {("accepted", ids[3]), ("bounced", ids[3])}

    def arrived():
        seen = set()
        for headers, body in rx.all():
            e = json.loads(body)
            seen.add((e["type"], e["data"]["queue_id"]))
        return seen >= want

    wait_for("every event after the receiver is up", arrived, timeout=60)
    wh = Webhook(whsec)
    by_id = {}
    for headers, body in rx.all():
        h = {k.lower(): v for k, v in headers.items()}
        wh.verify(body, h)   # raises on a bad signature or timestamp
        prev = by_id.setdefault(h["webhook-id"], body)
        expect(prev == body, "webhook-id %s repeated with another body" % h["webhook-id"])
        e = json.loads(body)
        expect(b"appointment" not in body.lower(), "message content in a webhook: %r" % body)
        expect(set(e["data"]) <= {"queue_id", "recipient", "recipient_sha256", "method", "tls",
                                  "code", "status", "tags"}, "unexpected data %r" % e["data"])
    events = {(json.loads(b)["type"], json.loads(b)["data"]["queue_id"]) for b in by_id.values()}
    expect(events == want, "events %r, expected %r" % (sorted(events), sorted(want)))
    bounced = [json.loads(b) for b in by_id.values() if json.loads(b)["type"] == "bounced"][0]
    expect(bounced["data"].get("code") == 550 and bounced["data"].get("status") == "5.1.1",
           "bounce data %r" % bounced["data"])
    log("webhooks: %d deliveries, %d distinct, all verified" % (len(rx.all()), len(by_id)))


# --------------------------------------------------------------- schemathesis

def c_schemathesis(env):
    cid, secret = env.add_key("fuzz", "send,read,admin", "--rate", "100000/s")
    report = os.path.join(env.dir, "schemathesis")
    cmd = ["st", "run", env.base + "/v1/openapi.yaml", "--url", env.base,
           "-H", "Authorization: Bearer %s.%s" % (cid, secret),
           "--tls-verify", env.cert,
           "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
                       "response_headers_conformance,response_schema_conformance,"
                       "negative_data_rejection",
           "--phases", "examples,coverage,fuzzing",
           "--max-examples", os.environ.get("API_FUZZ_EXAMPLES", "40"),
           "--workers", "1",
           "--request-timeout", "20",
           "--report", "junit", "--report-dir", report]
    log("running: " + " ".join(c if "Bearer" not in c else "Authorization: Bearer ***" for c in cmd))
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    out = r.stdout + r.stderr
    with open(os.path.join(env.dir, "schemathesis.log"), "w") as f:
        f.write(out)
    if r.returncode != 0:
        raise CheckFailed("schemathesis failed (exit %d):\n%s" % (r.returncode, out[-6000:]))
    log("schemathesis: " + " ".join(line.strip() for line in out.splitlines()[-4:]))


CHECKS = [("openapi", c_openapi), ("oauth", c_oauth), ("webhooks", c_webhooks),
          ("schemathesis", c_schemathesis)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    only = [o for o in a.only.split(",") if o]
    env = Env(a.bin, a.workdir)
    passed = failed = 0
    try:
        for name, fn in CHECKS:
            if only and not any(o in name for o in only):
                continue
            try:
                fn(env)
                print("PASS %s" % name, flush=True)
                passed += 1
            except Exception as e:   # noqa: BLE001 - every failure is reported
                why = str(e) if isinstance(e, CheckFailed) else traceback.format_exc()
                print("FAIL %s: %s" % (name, why), flush=True)
                failed += 1
    finally:
        env.stop()
    print("%d passed, %d failed" % (passed, failed), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

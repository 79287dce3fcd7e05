#!/usr/bin/env python3
"""archive-serve checked against schema/openapi.yaml, over real HTTP.

Usage: openapi_check.py BIN_DIR TMP_DIR [SPEC] [FIXTURE_TEMPLATE]

Writes a small archive (tests/fixtures/http/archive.jsonl.in with members-only text made
of canary words drawn now), indexes it with BIN_DIR/archive-index, starts BIN_DIR/archive-serve
on port 0, and a second one on an index directory where nothing is published yet. Then it
calls every operation of the spec, for success and for every error status the spec declares
for it, and validates each response body against that operation's schema for that status
(JSON Schema 2020-12, $refs resolved) and its Content-Type. It fails when:
- a response does not validate, or has a status the operation does not declare, or is a 5xx
  other than 503;
- a request meant to get one status gets another;
- an operation of the spec, or a status it declares, was never exercised (429 must be seen on
  at least one operation: it is provoked with concurrent requests and --max-in-flight 1);
- a parameter's limits in the spec disagree with the server's (the boundary values are sent);
- an anonymous response contains a canary word from members-only text (positive control: the
  member token's responses must contain them).
Exits 0 when every check passed; prints 'N passed, M failed' at the end.
"""
import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import jsonschema
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SPEC = os.path.join(HERE, "..", "schema", "openapi.yaml")
DEFAULT_FIXTURE = os.path.join(HERE, "fixtures", "http", "archive.jsonl.in")
SECRET_COUNT = 5


# --- tokens (HS256 by hand: an implementation independent of the server's libjwt) -----------

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(secret, claims, alg="HS256"):
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    head = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = b64url(json.dumps(claims).encode())
    mac = hmac.new(secret, f"{head}.{body}".encode(), digest).digest()
    return f"{head}.{body}.{b64url(mac)}"


# --- the archive --------------------------------------------------------------------------

def make_canaries():
    return ["zq" + "canary" + secrets.token_hex(8) for _ in range(SECRET_COUNT)]


def member_text(canary, n):
    return (f"Members learn the {canary} method in week {n}: {canary} sets with stretching, "
            f"sleep and recovery. Repeat the {canary} routine weekly.")


def write_archive(template_path, path, canaries):
    with open(template_path, encoding="utf-8") as f:
        text = f.read()
    for i, canary in enumerate(canaries, 1):
        text = text.replace(f"@SECRET_{i}@", member_text(canary, i))
    assert "@SECRET_" not in text, "template has more placeholders than canaries"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


# --- servers ------------------------------------------------------------------------------

class Server:
    def __init__(self, bin_dir, workdir, name, index, secret_file, extra=()):
        self.out = os.path.join(workdir, f"{name}.out")
        self.err = os.path.join(workdir, f"{name}.err")
        args = [os.path.join(bin_dir, "archive-serve"), "--index", index,
                "--listen", "127.0.0.1:0", "--token-secret-file", secret_file,
                "--threads", "8", "--reload-interval", "0.1", *extra]
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.proc = subprocess.Popen(args, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        self.port = None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.port is None:
            if self.proc.poll() is not None:
                raise RuntimeError(f"archive-serve exited {self.proc.returncode}: {self.log()}")
            m = re.search(r"listening on [^\s:]+:(\d+)", open(self.out, errors="replace").read())
            if m:
                self.port = int(m.group(1))
            else:
                time.sleep(0.02)
        if self.port is None:
            self.stop()
            raise RuntimeError("archive-serve never said where it listens: " + self.log())
        while time.monotonic() < deadline:
            try:
                status, _, _ = raw_request(self.port, "GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.02)
        self.stop()
        raise RuntimeError("archive-serve never answered /healthz")

    def log(self):
        return "".join(open(p, errors="replace").read() for p in (self.out, self.err))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return "killed"
        return self.proc.returncode


def raw_request(port, method, target, headers=None, body=None, timeout=20):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        res = conn.getresponse()
        return res.status, {k.lower(): v for k, v in res.getheaders()}, res.read()
    finally:
        conn.close()


# --- the spec -----------------------------------------------------------------------------

class Spec:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = yaml.safe_load(f)
        assert str(self.doc.get("openapi", "")).startswith("3.1"), "openapi must be 3.1.x"
        self.components = self.doc["components"]
        for name, schema in self.components["schemas"].items():
            jsonschema.Draft202012Validator.check_schema(schema)
        self.ops = {}  # (template, method) -> operation
        self.patterns = []
        for template, item in self.doc["paths"].items():
            regex = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
            self.patterns.append((re.compile(regex), template))
            for method, op in item.items():
                if method in ("get", "post", "put", "delete", "patch", "options", "head"):
                    self.ops[(template, method.upper())] = op
        self._check_refs(self.doc)

    def _check_refs(self, node):
        if isinstance(node, dict):
            if "$ref" in node:
                self.resolve(node["$ref"])
            for value in node.values():
                self._check_refs(value)
        elif isinstance(node, list):
            for value in node:
                self._check_refs(value)

    def resolve(self, ref):
        assert ref.startswith("#/"), f"only local refs: {ref}"
        node = self.doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def deref(self, node):
        while isinstance(node, dict) and "$ref" in node:
            node = self.resolve(node["$ref"])
        return node

    def template_of(self, path):
        for regex, template in self.patterns:
            if regex.match(path):
                return template
        return None

    def validator(self, schema):
        # The schema is checked inside a copy of the components, so "#/components/..." refs
        # resolve against this document.
        root = dict(schema)
        root["components"] = self.components
        return jsonschema.Draft202012Validator(root)

    def parameter(self, template, method, name):
        op = self.ops[(template, method)]
        params = list(self.doc["paths"][template].get("parameters", [])) + op.get("parameters", [])
        for p in params:
            p = self.deref(p)
            if p["name"] == name:
                return p, self.deref(p["schema"])
        raise KeyError(name)


# --- the checks ---------------------------------------------------------------------------

class Checker:
    def __init__(self, spec):
        self.spec = spec
        self.passed = 0
        self.failures = []
        self.exercised = set()  # (template, method, status)

    def fail(self, message):
        self.failures.append(message)
        print("FAIL:", message, flush=True)

    def ok(self):
        self.passed += 1

    def check_response(self, method, target, status, headers, body, label=""):
        """Validates one response against the spec. Returns the parsed JSON body (or text)."""
        path = urllib.parse.urlsplit(target).path
        template = self.spec.template_of(path)
        where = f"{method} {target[:120]} -> {status}{' (' + label + ')' if label else ''}"
        if template is None or (template, method) not in self.spec.ops:
            self.fail(f"{where}: no such operation in the spec")
            return None
        if status >= 500 and status != 503:
            self.fail(f"{where}: server error: {body[:300]!r}")
        op = self.spec.ops[(template, method)]
        responses = op["responses"]
        response = responses.get(str(status))
        if response is None:
            self.fail(f"{where}: status {status} is not declared for {method} {template}")
            response = responses.get("default")
            if response is None:
                return None
        self.exercised.add((template, method, str(status)))
        response = self.spec.deref(response)
        ctype = headers.get("content-type", "").split(";")[0].strip()
        content = response.get("content", {})
        if ctype not in content:
            self.fail(f"{where}: Content-Type {ctype!r}, spec says {sorted(content)}")
            return None
        schema = self.spec.deref(content[ctype]["schema"])
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            self.fail(f"{where}: body is not UTF-8")
            return None
        if ctype == "application/json":
            try:
                value = json.loads(text)
            except json.JSONDecodeError as e:
                self.fail(f"{where}: body is not JSON ({e}): {text[:200]!r}")
                return None
        else:
            value = text
        errors = sorted(self.spec.validator(content[ctype]["schema"]).iter_errors(value),
                        key=lambda e: list(e.absolute_path))
        if errors:
            for e in errors[:5]:
                self.fail(f"{where}: at /{'/'.join(map(str, e.absolute_path))}: {e.message}")
        else:
            self.ok()
        del schema
        return value


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    bin_dir, tmp_root = sys.argv[1], sys.argv[2]
    spec_path = sys.argv[3] if len(sys.argv) > 3 else DEFAULT_SPEC
    template_path = sys.argv[4] if len(sys.argv) > 4 else DEFAULT_FIXTURE
    os.makedirs(tmp_root, exist_ok=True)
    work = tempfile.mkdtemp(prefix="openapi-", dir=tmp_root)
    started = time.monotonic()
    servers = []
    try:
        spec = Spec(spec_path)
        checker = Checker(spec)
        run_checks(spec, checker, bin_dir, work, template_path, servers)
    finally:
        codes = [s.stop() for s in servers]
        shutil.rmtree(work, ignore_errors=True)
    for s, code in zip(servers, codes):
        if code != 0:
            checker.fail(f"archive-serve exited {code} after SIGTERM, not 0")
    print(f"{checker.passed} passed, {len(checker.failures)} failed "
          f"({time.monotonic() - started:.1f} s)")
    return 1 if checker.failures else 0


def run_checks(spec, c, bin_dir, work, template_path, servers):
    canaries = make_canaries()
    archive = os.path.join(work, "archive.jsonl")
    write_archive(template_path, archive, canaries)
    index = os.path.join(work, "index")
    run = subprocess.run([os.path.join(bin_dir, "archive-index"), "--index", index, archive],
                         capture_output=True, text=True)
    if run.returncode != 0:
        c.fail(f"archive-index exited {run.returncode}: {run.stderr}")
        return
    empty_index = os.path.join(work, "empty-index")
    os.makedirs(empty_index)
    secret = secrets.token_hex(32).encode()
    secret_file = os.path.join(work, "secret")
    with open(secret_file, "wb") as f:
        f.write(secret)

    main_server = Server(bin_dir, work, "main", index, secret_file, ["--max-in-flight", "1"])
    servers.append(main_server)
    empty_server = Server(bin_dir, work, "empty", empty_index, secret_file)
    servers.append(empty_server)

    exp = int(time.time()) + 3600
    member = sign(secret, {"tier": "member", "exp": exp})
    editor = sign(secret, {"tier": "editor", "exp": exp})
    unlock = sign(secret, {"tier": "public", "unlocked": ["unlockable-guide"], "exp": exp})
    bad_tokens = {
        "expired": sign(secret, {"tier": "member", "exp": 1000}),
        "other key": sign(b"another-secret-of-enough-length-0123456789", {"tier": "member", "exp": exp}),
        "HS512": sign(secret, {"tier": "member", "exp": exp}, "HS512"),
        "alg none": b64url(b'{"alg":"none","typ":"JWT"}') + "." +
                    b64url(json.dumps({"tier": "editor", "exp": exp}).encode()) + ".",
        "no exp": sign(secret, {"tier": "member"}),
        "tier admin": sign(secret, {"tier": "admin", "exp": exp}),
        "garbage": "not-a-token",
    }
    member_saw_canary = set()

    def call(method, target, token=None, body=None, expect=None, server=main_server,
             headers=None, label="", ctype="application/json"):
        h = dict(headers or {})
        if token is not None:
            h["Authorization"] = token if token.startswith("Basic ") else f"Bearer {token}"
        if body is not None:
            h["Content-Type"] = ctype
        status, rheaders, rbody = raw_request(server.port, method, target, h, body)
        value = c.check_response(method, target, status, rheaders, rbody, label)
        if expect is not None and status != expect:
            c.fail(f"{method} {target[:100]} ({label or 'no label'}): expected {expect}, "
                   f"got {status}: {rbody[:200]!r}")
        elif expect is not None:
            c.ok()
        text = rbody.decode("utf-8", "replace")
        if isinstance(value, dict) and "query" in value:
            # The query as given is echoed back; everything else must come from the index.
            text = json.dumps({k: v for k, v in value.items() if k != "query"})
        entitled = (set(range(len(canaries))) if token in (member, editor)
                    else {3} if token == unlock else set())
        for i, canary in enumerate(canaries):
            if canary in text:
                if i not in entitled:
                    c.fail(f"{method} {target[:100]} ({label or 'anonymous'}): canary {i + 1} "
                           f"from members-only text in a response to a caller not entitled to it")
                else:
                    member_saw_canary.add(i)
        return status, value

    q = urllib.parse.quote
    c1, c4 = canaries[0], canaries[3]

    # --- operations: success --------------------------------------------------------------
    call("GET", "/healthz", expect=200)
    _, ready = call("GET", "/readyz", expect=200)
    _, metrics = call("GET", "/metrics", expect=200)
    if isinstance(metrics, str):
        for needle in ("archive_requests_total{", "archive_request_duration_seconds_bucket{",
                       "archive_index_generation 1", 'archive_index_documents{tier="public"} 10'):
            if needle not in metrics:
                c.fail(f"/metrics lacks {needle!r}")
    for target in ["/v1/search?q=stretching", "/v1/search?q=stretching&facets=0",
                   "/v1/search", "/v1/search?q=recovery&sort=newest&limit=3&offset=1",
                   "/v1/search?q=running&tag=running&tag=evidence&kind=article",
                   "/v1/search?author=ana%20ruiz&from=2020-01-01&to=2022-12-31",
                   "/v1/search?q=stret&partial=1&facets=1",
                   "/v1/search?q=strechting",  # a spelling correction
                   "/v1/search?q=" + q(c1), "/v1/search?q=" + q(c1[:4]) + "*"]:
        status, value = call("GET", target, expect=200)
        if "facets=0" in target and isinstance(value, dict) and "facets" in value:
            c.fail(f"{target}: facets present although facets=0")
    status, value = call("GET", "/v1/search?q=" + q(c1), token=member, expect=200, label="member")
    if isinstance(value, dict) and value.get("total_estimate", 0) < 1:
        c.fail("a member's search for a members-only word found nothing")
    call("GET", "/v1/search?q=" + q(c4), token=unlock, expect=200, label="unlock")
    call("GET", "/v1/search?q=" + q(c1), token=unlock, expect=200, label="unlock, not this page")
    call("GET", "/v1/search?q=stretching", token=editor, expect=200, label="editor")
    call("GET", "/v1/suggest?q=str", expect=200)
    call("GET", "/v1/suggest?q=" + q(c1[:4]), expect=200)
    call("GET", "/v1/suggest?q=" + q(c1[:4]) + "&limit=20", token=member, expect=200, label="member")
    call("GET", "/v1/suggest?q=s&limit=1", expect=200)
    for article in ["hamstring-stretching", "member-strength-plan", "posture-myths",
                    "running-injuries", "members-only-qna", "unlockable-guide"]:
        call("GET", f"/v1/articles/{article}", expect=200)
        call("GET", f"/v1/articles/{article}/related?limit=3", expect=200)
    call("GET", "/v1/articles/running-injuries", token=member, expect=200, label="member")
    call("GET", "/v1/articles/running-injuries/related", token=member, expect=200, label="member")
    call("GET", "/v1/articles/unlockable-guide", token=unlock, expect=200, label="unlock")
    status, value = call("POST", "/v1/related", token=editor, expect=200,
                         body=json.dumps({"text": "Hamstring stretching and sleep help recovery "
                                                  "after running.", "limit": 3}).encode())
    if isinstance(value, dict) and value.get("id") is not None:
        c.fail("POST /v1/related: id must be null for a draft")

    # --- parameter limits, as the spec states them ------------------------------------------
    def boundaries(template, method, name, make_target):
        _, schema = spec.parameter(template, method, name)
        if schema.get("type") == "integer":
            lo, hi = schema["minimum"], schema["maximum"]
            for value, want in [(lo, 200), (hi, 200), (lo - 1, 400), (hi + 1, 400)]:
                if value < 0:
                    value = "-1"
                call(method, make_target(value), expect=want, label=f"{name}={value}")
        elif "enum" in schema:
            for value in schema["enum"]:
                call(method, make_target(value), expect=200, label=f"{name}={value}")
            call(method, make_target("not-in-enum"), expect=400, label=f"{name} not in enum")

    boundaries("/v1/search", "GET", "limit", lambda v: f"/v1/search?q=sleep&limit={v}")
    boundaries("/v1/search", "GET", "offset",
               lambda v: f"/v1/search?q=sleep&limit=1&offset={v}")
    boundaries("/v1/search", "GET", "sort", lambda v: f"/v1/search?q=sleep&sort={v}")
    boundaries("/v1/search", "GET", "partial", lambda v: f"/v1/search?q=sle&partial={v}")
    boundaries("/v1/search", "GET", "facets", lambda v: f"/v1/search?q=sle&facets={v}")
    boundaries("/v1/suggest", "GET", "limit", lambda v: f"/v1/suggest?q=sle&limit={v}")
    boundaries("/v1/articles/{id}/related", "GET", "limit",
               lambda v: f"/v1/articles/hamstring-stretching/related?limit={v}")
    _, qschema = spec.parameter("/v1/search", "GET", "q")
    longest = qschema["maxLength"]
    call("GET", "/v1/search?q=" + "a" * longest, expect=200, label="q at maxLength")
    call("GET", "/v1/search?q=" + "a" * (longest + 1), expect=400, label="q over maxLength")
    call("GET", "/v1/suggest?q=" + "a" * (longest + 1), expect=400, label="q over maxLength")
    longest_draft = spec.components["schemas"]["DraftRequest"]["properties"]["text"]["maxLength"]
    words = " ".join(f"w{i}" for i in range(longest_draft // 3))[:longest_draft + 1]
    call("POST", "/v1/related", token=editor, expect=200, label="text at maxLength",
         body=json.dumps({"text": words[:longest_draft], "limit": 1}).encode())
    call("POST", "/v1/related", token=editor, expect=400, label="text over maxLength",
         body=json.dumps({"text": words, "limit": 1}).encode())
    draft = spec.components["schemas"]["DraftRequest"]["properties"]["limit"]
    for value, want in [(draft["minimum"], 200), (draft["maximum"], 200),
                        (draft["minimum"] - 1, 400), (draft["maximum"] + 1, 400)]:
        call("POST", "/v1/related", token=editor, expect=want, label=f"body limit={value}",
             body=json.dumps({"text": "sleep and recovery", "limit": value}).encode())

    # --- errors -----------------------------------------------------------------------------
    call("GET", "/v1/search?nonsense=1", expect=400, label="unknown parameter")
    call("GET", "/v1/search?q=%FF", expect=400, label="invalid UTF-8")
    call("GET", "/v1/search?q=a&q=b", expect=400, label="repeated")
    call("GET", "/v1/search?from=2020-02-30", expect=400, label="bad date")
    call("GET", "/v1/search?q=" + "w" * 17000, expect=431, label="request line over 16 KiB")
    call("GET", "/v1/suggest", expect=400, label="q missing")
    call("GET", "/v1/suggest?q=" + "w" * 17000, expect=431, label="request line over 16 KiB")
    call("GET", "/v1/articles/hamstring-stretching?x=1", expect=400, label="unknown parameter")
    call("GET", "/v1/articles/no-such-article", expect=404)
    call("GET", "/v1/articles/no-such-article/related", expect=404)
    call("GET", "/v1/articles/hamstring-stretching/related?x=1", expect=400,
         label="unknown parameter")
    call("POST", "/v1/related", token=editor, body=b"not json", expect=400, label="not JSON")
    call("POST", "/v1/related", token=editor, body=b'{"text": 5}', expect=400, label="text not a string")
    call("POST", "/v1/related", token=editor, body=b'{"text": "x", "limit": "3"}', expect=400,
         label="limit not a number")
    call("POST", "/v1/related", body=b'{"text": "sleep"}', expect=401, label="anonymous")
    call("POST", "/v1/related", token=member, body=b'{"text": "sleep"}', expect=403, label="member")
    call("POST", "/v1/related", token=unlock, body=b'{"text": "sleep"}', expect=403, label="unlock")
    big = json.dumps({"text": "sleep " * (1 << 18)}).encode()  # 1.5 MiB
    call("POST", "/v1/related", token=editor, body=big, expect=413, label="body over 1 MiB")
    for name, token in bad_tokens.items():
        for target in ["/healthz", "/readyz", "/metrics"]:
            # Probes ignore the Authorization header: a bad token must not fail them.
            call("GET", target, token=token, expect=200, label=f"probe with token {name}")
        for method, target in [("GET", "/v1/search?q=sleep"), ("GET", "/v1/suggest?q=sle"),
                               ("GET", "/v1/articles/hamstring-stretching"),
                               ("GET", "/v1/articles/hamstring-stretching/related"),
                               ("POST", "/v1/related")]:
            body = b'{"text": "sleep"}' if method == "POST" else None
            status, value = call(method, target, token=token, body=body, expect=401,
                                 label=f"token {name}")
            if isinstance(value, dict) and "results" in value:
                c.fail(f"{target} with token {name}: results in a 401")
    call("GET", "/v1/search?q=sleep", token="Basic eHl6OnNlY3JldA==", expect=401, label="Basic")

    # --- xref: editors' cross-reference checks ---------------------------------------------
    check_xref(c, call, editor, member, bad_tokens["expired"], empty_server)

    # --- 503 before any index is published --------------------------------------------------
    for method, target, token, body in [
            ("GET", "/readyz", None, None), ("GET", "/v1/search?q=sleep", None, None),
            ("GET", "/v1/suggest?q=sle", None, None),
            ("GET", "/v1/articles/hamstring-stretching", None, None),
            ("GET", "/v1/articles/hamstring-stretching/related", None, None),
            ("POST", "/v1/related", editor, b'{"text": "sleep"}')]:
        call(method, target, token=token, body=body, expect=503, server=empty_server,
             label="nothing published")
    call("GET", "/healthz", expect=200, server=empty_server, label="nothing published")
    status, metrics = call("GET", "/metrics", expect=200, server=empty_server,
                           label="nothing published")
    if isinstance(metrics, str) and "archive_index_generation 0" not in metrics:
        c.fail("/metrics before any publish should say archive_index_generation 0")

    # --- 429: more requests in flight than --max-in-flight 1 allows --------------------------
    provoke_429(c, main_server)

    # --- coverage -----------------------------------------------------------------------------
    for (template, method), op in spec.ops.items():
        for status in op["responses"]:
            if status == "default" or status == "429":
                continue
            if (template, method, status) not in c.exercised:
                c.fail(f"{method} {template}: declared status {status} never exercised")
            else:
                c.ok()
        if (template, method, "200") not in c.exercised:
            c.fail(f"{method} {template}: never exercised successfully")
    if not any(status == "429" for _, _, status in c.exercised):
        c.fail("429 was never provoked")
    missing = sorted(set(range(len(canaries))) - member_saw_canary - {3})
    if missing:
        c.fail(f"positive control: members never saw canaries {[m + 1 for m in missing]}")
    if 3 not in member_saw_canary:
        c.fail("positive control: the unlock token never saw its page's members-only text")


def check_xref(c, call, editor, member, bad_token, empty_server):
    """Every xref operation: editors only (401 anonymous, 403 member) but backlinks."""
    for target in ["/v1/xref/broken", "/v1/xref/orphans", "/v1/xref/missing",
                   "/v1/xref/missing?id=hamstring-stretching"]:
        call("GET", target, token=editor, expect=200, label="editor")
        call("GET", target, expect=401, label="anonymous")
        call("GET", target, token=member, expect=403, label="member")
        call("GET", target, token=editor, server=empty_server, expect=503, label="nothing published")
    for target in ["/v1/xref/broken?x=1", "/v1/xref/orphans?x=1", "/v1/xref/missing?x=1",
                   "/v1/xref/backlinks/hamstring-stretching?x=1"]:
        call("GET", target, token=editor, expect=400, label="unknown parameter")
    call("GET", "/v1/xref/missing?id=no-such-article", token=editor, expect=404)
    backlinks = "/v1/xref/backlinks/hamstring-stretching"
    for token, label in [(None, "anonymous"), (member, "member"), (editor, "editor")]:
        call("GET", backlinks, token=token, expect=200, label=label)
    call("GET", "/v1/xref/backlinks/no-such-article", expect=200, label="no such article")
    call("GET", backlinks, token=bad_token, expect=401, label="expired token")
    call("GET", backlinks, server=empty_server, expect=503, label="nothing published")

    drafts = (json.dumps({"id": "draft-x", "title": "A Draft About Stretching",
                          "sections": [{"text": "Hamstring stretching helps."}],
                          "links": ["no-such-article"]}) + "\nnot json\n").encode()
    ndjson = "application/x-ndjson"
    _, report = call("POST", "/v1/xref/check", token=editor, body=drafts, ctype=ndjson,
                     expect=200, label="editor")
    if isinstance(report, dict) and (report.get("clean") is not False or not report.get("broken")
                                     or not report.get("invalid")):
        c.fail("POST /v1/xref/check: the broken link and the invalid line were not reported")
    call("POST", "/v1/xref/check", body=drafts, ctype=ndjson, expect=401, label="anonymous")
    call("POST", "/v1/xref/check", token=member, body=drafts, ctype=ndjson, expect=403,
         label="member")
    call("POST", "/v1/xref/check", token=editor, body=b"x" * (3 << 19), ctype=ndjson,
         expect=413, label="body over 1 MiB")
    call("POST", "/v1/xref/check", token=editor, body=drafts, ctype=ndjson, server=empty_server,
         expect=503, label="nothing published")


def provoke_429(c, server):
    seen = []
    stop = threading.Event()
    target = "/v1/search?q=stretching%20sleep%20recovery%20running&limit=100"

    def hammer():
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            while not stop.is_set():
                conn.request("GET", target)
                res = conn.getresponse()
                body = res.read()
                if res.status == 429:
                    seen.append(({k.lower(): v for k, v in res.getheaders()}, body))
                    stop.set()
        except OSError:
            pass
        finally:
            conn.close()

    threads = [threading.Thread(target=hammer) for _ in range(6)]
    for t in threads:
        t.start()
    stop.wait(5)
    stop.set()
    for t in threads:
        t.join()
    if seen:
        headers, body = seen[0]
        c.check_response("GET", target, 429, headers, body, "concurrent")


if __name__ == "__main__":
    sys.exit(main())

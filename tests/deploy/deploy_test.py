#!/usr/bin/env python3
"""The production topology of docker-compose.yml, run as plain processes on loopback.

An indexer publishes generations with deploy/publish-generation.sh into an origin
directory served by nginx; two search nodes (archive-serve) are each fed by
deploy/pull-generation.sh; HAProxy (deploy/haproxy.cfg) balances them. Checks, each with
real processes, on free 127.0.0.1 ports, with bounded loops:
  - haproxy -c and docker-compose config -q accept the files;
  - two generations published under load: no failed request, every node ends on the
    newest generation, both nodes answer byte-identically (took_ms aside);
  - anonymous answers through HAProxy are byte-identical for two archives that differ
    only in member text (with a member token as the positive control);
  - a node SIGKILLed under load costs no request; restarted, it pulls what it missed and
    rejoins;
  - two updates at the indexer reach both nodes as change logs (gen-N.changes.tar, a
    fraction of the generation) replayed by archive-index --apply-changes, after which
    both nodes answer byte-identically;
  - a corrupt, empty or half-copied generation is never switched to, and a node whose
    CURRENT names such a generation never reports ready.

usage: deploy_test.py BIN_DIR SOURCE_DIR
"""

import base64
import hashlib
import hmac
import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import string
import subprocess
import sys
import tarfile
import tempfile
import threading
import time

BIN, SRC = sys.argv[1], sys.argv[2]
DEPLOY = os.path.join(SRC, "deploy")
SECRET = b"deploy-test-secret-of-at-least-32-bytes!"
QUERIES = ["stretching", "sleep recovery", "running injuries", "posture", "knee pain",
           "zqcanaryalpha", "zqcanarybeta", "foam rolling", "back", "walking"]
PASSED, FAILED = [], []


# --- Small archives ---------------------------------------------------------------------

TOPICS = ["stretching", "sleep", "running", "posture", "knee", "back", "walking", "foam",
          "shoulder", "recovery", "strength", "balance"]


def archive(canary):
    """Twelve articles; every third has a members-only section holding `canary`. Two
    archives made with different canaries differ only in member text."""
    lines = []
    for i, topic in enumerate(TOPICS):
        sections = [{"heading": f"About {topic}",
                     "text": f"Plain notes on {topic} and recovery, part {i}. Walking helps "
                             f"most people; {topic} routines need patience and sleep."}]
        if i % 3 == 0:
            sections.append({"heading": "For members", "access": "members",
                             "text": f"Members read the {canary} drill for {topic}: "
                                     f"{canary} sets, posture cues and {canary} again."})
        lines.append(json.dumps({
            "id": f"{topic}-guide", "url": f"https://archive.example/{topic}-guide",
            "title": f"A Guide to {topic.title()} Pain", "kind": "article",
            "published": f"20{10 + i}-03-0{1 + i % 9}", "authors": ["Dana Whitfield"],
            "tags": [topic, "evidence"], "summary": f"What helps with {topic}.",
            "access": "public", "sections": sections, "links": []}))
    return "\n".join(lines) + "\n"


# --- Processes ----------------------------------------------------------------------------

class Topology:
    def __init__(self, root):
        self.root = root
        self.procs = {}
        self.ports = {}
        self.master = os.path.join(root, "master-index")
        self.origin = os.path.join(root, "origin")
        self.run = os.path.join(root, "run")
        os.makedirs(self.origin)
        os.makedirs(self.run)
        with open(os.path.join(root, "secret"), "wb") as f:
            f.write(SECRET)

    def log(self, name):
        return open(os.path.join(self.root, name + ".log"), "ab")

    def start(self, name, argv, env=None):
        self.procs[name] = subprocess.Popen(
            argv, stdout=self.log(name), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})}, start_new_session=True)

    def kill(self, name):
        proc = self.procs.pop(name)
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    def stop_all(self):
        for name in list(self.procs):
            proc = self.procs.pop(name)
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def index(self, jsonl_text):
        path = os.path.join(self.root, "input.jsonl")
        with open(path, "w") as f:
            f.write(jsonl_text)
        # --allow-empty: the test publishes an empty generation on purpose (a failed export
        # that an operator forced through) to show that no node switches to it.
        subprocess.run([os.path.join(BIN, "archive-index"), "--index", self.master, "--rebuild",
                        "--allow-empty", path], check=True, stdout=subprocess.DEVNULL,
                       stderr=self.log("index"))
        return current_of(self.master)

    def update(self, jsonl_text):
        """An update (no --rebuild) of the master index; returns the new generation."""
        path = os.path.join(self.root, "update.jsonl")
        with open(path, "w") as f:
            f.write(jsonl_text)
        subprocess.run([os.path.join(BIN, "archive-index"), "--index", self.master, path],
                       check=True, stdout=subprocess.DEVNULL, stderr=self.log("index"))
        return current_of(self.master)

    def publish(self, origin=None):
        subprocess.run([os.path.join(DEPLOY, "publish-generation.sh"), "--index", self.master,
                        "--origin", origin or self.origin], check=True,
                       stdout=subprocess.DEVNULL)

    def start_origin(self):
        self.ports["origin"] = free_port()
        values = {"ARCHIVE_ORIGIN_LISTEN": f"127.0.0.1:{self.ports['origin']}",
                  "ARCHIVE_ORIGIN_ROOT": self.origin, "ARCHIVE_ORIGIN_RUN": self.run}
        with open(os.path.join(DEPLOY, "nginx-origin.conf")) as f:
            conf = string.Template(f.read()).safe_substitute(values)  # as envsubst does
        path = os.path.join(self.run, "nginx.conf")
        with open(path, "w") as f:
            f.write(conf)
        self.start("origin", ["nginx", "-c", path, "-p", self.run])
        wait_for(lambda: get(self.ports["origin"], "/LATEST")[0] == 200, "the origin")

    def node_dir(self, n):
        return os.path.join(self.root, f"node{n}")

    def start_node(self, n):
        self.ports.setdefault(f"node{n}", free_port())
        self.start(f"node{n}", [os.path.join(BIN, "archive-serve"), "--index", self.node_dir(n),
                                "--listen", f"127.0.0.1:{self.ports[f'node{n}']}",
                                "--threads", "2", "--token-secret-file",
                                os.path.join(self.root, "secret")])
        self.start(f"pull{n}", [os.path.join(DEPLOY, "pull-generation.sh"), "--origin",
                                f"http://127.0.0.1:{self.ports['origin']}", "--index",
                                self.node_dir(n), "--interval", "0.3", "--grace", "2"],
                   {"ARCHIVE_INDEXER": os.path.join(BIN, "archive-index")})

    def haproxy_env(self):
        return {"ARCHIVE_FRONT_BIND": f"127.0.0.1:{self.ports['front']}",
                "ARCHIVE_NODE1": f"127.0.0.1:{self.ports['node1']}",
                "ARCHIVE_NODE2": f"127.0.0.1:{self.ports['node2']}",
                "ARCHIVE_HAPROXY_RUN": self.run}

    def start_front(self):
        self.ports["front"] = free_port()
        self.start("front", ["haproxy", "-db", "-f", os.path.join(DEPLOY, "haproxy.cfg")],
                   self.haproxy_env())

    def backends_up(self):
        """Status of each node as HAProxy sees it, from its admin socket."""
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.connect(os.path.join(self.run, "admin.sock"))
                s.sendall(b"show stat\n")
                data = b""
                while chunk := s.recv(65536):
                    data += chunk
        except OSError:
            return {}
        rows = data.decode().lstrip("# ").splitlines()
        header = rows[0].split(",")
        status = {}
        for row in rows[1:]:
            fields = dict(zip(header, row.split(",")))
            if fields.get("pxname") == "nodes" and fields["svname"].startswith("node"):
                status[fields["svname"]] = fields["status"]
        return status

    def wait_all_up(self):
        wait_for(lambda: self.backends_up() == {"node1": "UP", "node2": "UP"},
                 "HAProxy to see both nodes up", 20)


def current_of(index):
    try:
        with open(os.path.join(index, "CURRENT")) as f:
            return f.readline().strip()
    except FileNotFoundError:
        return ""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, token=None):
    """(status, headers, body) of one request on a new connection (0 when none came)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
        res = conn.getresponse()
        return res.status, res.headers, res.read()  # headers: case-insensitive
    except OSError:
        return 0, {}, b""
    finally:
        conn.close()


def wait_for(condition, what, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def without_took_ms(body):
    return re.sub(rb',?"took_ms":[-+0-9.eE]+', b"", body)


def search_path(query):
    return "/v1/search?facets=true&q=" + query.replace(" ", "+")


def member_token():
    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=")
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = b64(json.dumps({"tier": "member", "exp": int(time.time()) + 3600}).encode())
    signature = b64(hmac.new(SECRET, head + b"." + claims, hashlib.sha256).digest())
    return (head + b"." + claims + b"." + signature).decode()


def check(name, condition, detail=""):
    (PASSED if condition else FAILED).append(name)
    print(("ok   " if condition else "FAIL ") + name + (f": {detail}" if detail and not
                                                           condition else ""), flush=True)


class Load:
    """Searches through HAProxy on a few keep-alive connections until stopped (at most
    `seconds`), counting every answer that is not a 200 as a failure."""

    def __init__(self, port, threads=3, seconds=60):
        self.port, self.seconds = port, seconds
        self.ok = self.failed = 0
        self.errors = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.loop, args=(i,)) for i in range(threads)]
        for t in self.threads:
            t.start()

    def loop(self, offset):
        deadline = time.monotonic() + self.seconds
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        n = offset
        while not self.stopping.is_set() and time.monotonic() < deadline:
            n += 1
            try:
                conn.request("GET", search_path(QUERIES[n % len(QUERIES)]))
                res = conn.getresponse()
                res.read()
                good, why = res.status == 200, f"status {res.status}"
            except (OSError, http.client.HTTPException) as e:
                good, why = False, repr(e)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            with self.lock:
                if good:
                    self.ok += 1
                else:
                    self.failed += 1
                    self.errors.append(why)
        conn.close()

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join()
        print(f"     load: {self.ok} answers, {self.failed} failed", flush=True)
        return self.ok, self.failed


# --- The checks ---------------------------------------------------------------------------

def check_configs(top):
    top.ports.update(front=free_port(), node1=free_port(), node2=free_port())
    r = subprocess.run(["haproxy", "-c", "-f", os.path.join(DEPLOY, "haproxy.cfg")],
                       env={**os.environ, **top.haproxy_env()}, capture_output=True, text=True)
    check("haproxy -c accepts deploy/haproxy.cfg", r.returncode == 0, r.stdout + r.stderr)
    r = subprocess.run(["docker-compose", "-f", os.path.join(SRC, "docker-compose.yml"),
                        "config", "-q"], capture_output=True, text=True, cwd=SRC)
    check("docker-compose config -q accepts docker-compose.yml", r.returncode == 0, r.stderr)


def node_generation(top, n):
    status, _, body = get(top.ports[f"node{n}"], "/readyz")
    return json.loads(body).get("generation") if status == 200 else None


def wait_nodes_on(top, generation):
    wait_for(lambda: all(node_generation(top, n) == generation for n in (1, 2)),
             f"both nodes to serve {generation}", 20)


def anonymous_answers(top):
    return [without_took_ms(get(top.ports["front"], search_path(q))[2]) for q in QUERIES]


def member_hits(top, query):
    status, _, body = get(top.ports["front"], search_path(query), member_token())
    return len(json.loads(body)["results"]) if status == 200 else -1


def check_publishing_under_load(top):
    first = top.index(archive("zqcanaryalpha"))
    top.publish()
    top.start_origin()
    for n in (1, 2):
        top.start_node(n)
    top.start_front()
    wait_nodes_on(top, first)
    top.wait_all_up()
    before = anonymous_answers(top)
    alpha_before = member_hits(top, "zqcanaryalpha")

    load = Load(top.ports["front"])
    second = top.index(archive("zqcanarybeta"))
    top.publish()
    wait_nodes_on(top, second)
    after = anonymous_answers(top)
    alpha_after, beta_after = member_hits(top, "zqcanaryalpha"), member_hits(top, "zqcanarybeta")
    third = top.index(archive("zqcanaryalpha"))
    top.publish()
    wait_nodes_on(top, third)
    time.sleep(0.5)
    ok, failed = load.stop()
    check("two generations published under load: no failed request", ok > 0 and failed == 0,
          f"{failed} failed of {ok + failed}: {load.errors[:3]}")
    check("every node ends on the newest generation",
          all(current_of(top.node_dir(n)) == third for n in (1, 2)))

    same = True
    for q in QUERIES:
        answers = [get(top.ports[f"node{n}"], search_path(q)) for n in (1, 2)]
        same &= all(a[0] == 200 and a[1].get("X-Index-Generation") == third for a in answers)
        same &= without_took_ms(answers[0][2]) == without_took_ms(answers[1][2])
    check("both nodes answer byte-identically, with X-Index-Generation", same)

    check("anonymous answers through HAProxy do not depend on member text",
          before == after and all(b.startswith(b'{"query"') for b in before))
    check("positive control: members find each archive's canary through HAProxy",
          alpha_before > 0 and alpha_after == 0 and beta_after > 0,
          f"{alpha_before} {alpha_after} {beta_after}")
    return third


def check_node_killed_under_load(top, serving):
    top.wait_all_up()
    load = Load(top.ports["front"])
    time.sleep(1)
    top.kill("node2")
    top.kill("pull2")
    time.sleep(2)
    missed = top.index(archive("zqcanarybeta"))  # published while node2 is down
    top.publish()
    wait_for(lambda: node_generation(top, 1) == missed, "node1 to take the new generation")
    top.start_node(2)
    wait_nodes_on(top, missed)
    top.wait_all_up()
    time.sleep(1)
    ok, failed = load.stop()
    check("SIGKILL of a node under load: no failed request", ok > 0 and failed == 0,
          f"{failed} failed of {ok + failed}: {load.errors[:3]}")
    check("the restarted node pulls the generation it missed and rejoins",
          current_of(top.node_dir(2)) == missed and serving != missed)
    return missed


def check_updates_shipped_as_changes(top, serving):
    """Two updates at the master reach the nodes as change logs, not whole generations."""
    generations = []
    for n, word in ((1, "zqupdateone"), (2, "zqupdatetwo")):
        article = {"id": f"update-{n}", "title": f"Update {n}",
                   "sections": [{"text": f"{word} open text"},
                                {"access": "members", "text": f"zqcanarygamma{n} member text"}]}
        generations.append(top.update(json.dumps(article) + "\n"))
        top.publish()
        wait_nodes_on(top, generations[-1])
    last = generations[-1]
    whole = os.path.getsize(os.path.join(top.origin, last + ".tar"))
    changes = os.path.getsize(os.path.join(top.origin, last + ".changes.tar"))
    check("an update's change log is a small fraction of its generation",
          changes * 20 < whole, f"{changes} of {whole} bytes")
    def pull_log(n):
        with open(os.path.join(top.root, f"pull{n}.log"), errors="replace") as f:
            return f.read()

    # A pull logs how it switched just after the node's CURRENT changed: wait for the line.
    wait_for(lambda: all(f"switched to {last}" in pull_log(n) for n in (1, 2)),
             f"both pulls to log their switch to {last}")
    replayed = [all(f"switched to {g} (replayed its change log)" in pull_log(n)
                    for g in generations) for n in (1, 2)]
    check("both nodes took both updates by replaying their change logs", all(replayed), replayed)
    same = True
    for q in QUERIES + ["zqupdateone", "zqupdatetwo"]:
        answers = [get(top.ports[f"node{n}"], search_path(q)) for n in (1, 2)]
        same &= all(a[0] == 200 and a[1].get("X-Index-Generation") == last for a in answers)
        same &= without_took_ms(answers[0][2]) == without_took_ms(answers[1][2])
    check("after replaying, both nodes answer byte-identically", same)
    found = [json.loads(get(top.ports["front"], search_path(w))[2])["results"]
             for w in ("zqupdatetwo", "zqcanarygamma2")]
    check("the update is searchable, its member text for members only",
          len(found[0]) == 1 and found[1] == [] and member_hits(top, "zqcanarygamma2") == 1,
          found)
    return last


def stage(top, name, mutate):
    """Publishes the master's current generation to a staging directory, lets `mutate`
    spoil the artifact, then offers it through the origin, LATEST written last."""
    staging = os.path.join(top.root, "staging-" + name)
    os.makedirs(staging)
    top.publish(staging)
    generation = current_of(top.master)
    tar_path = os.path.join(staging, generation + ".tar")
    mutate(tar_path, generation)
    for suffix in (".tar", ".tar.sha256", ".json"):
        shutil.copy(os.path.join(staging, generation + suffix), top.origin)
    with open(os.path.join(top.origin, "LATEST.tmp"), "w") as f:
        f.write(generation + "\n")
    os.rename(os.path.join(top.origin, "LATEST.tmp"), os.path.join(top.origin, "LATEST"))
    return generation


def rewrite_checksum(tar_path, generation):
    with open(tar_path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    with open(tar_path + ".sha256", "w") as f:
        f.write(f"{digest}  {generation}.tar\n")


def flip_a_byte(tar_path, _generation):
    with open(tar_path, "r+b") as f:
        f.seek(os.path.getsize(tar_path) // 2)
        byte = f.read(1)
        f.seek(-1, io.SEEK_CUR)
        f.write(bytes([byte[0] ^ 0xFF]))


def drop_full_tier(tar_path, generation):
    """A half-copied generation: the public tier without the full one, checksum valid."""
    with tarfile.open(tar_path) as whole:
        members = [(m, whole.extractfile(m).read() if m.isfile() else None)
                   for m in whole.getmembers() if not m.name.startswith(generation + "/full")]
    with tarfile.open(tar_path, "w") as half:
        for member, data in members:
            half.addfile(member, io.BytesIO(data) if data is not None else None)
    rewrite_checksum(tar_path, generation)


def check_bad_generations(top, serving):
    empty_input = ""
    cases = [("corrupt (checksum mismatch)", archive("zqcanaryalpha"), flip_a_byte),
             ("empty", empty_input, rewrite_checksum),
             ("half-copied", archive("zqcanaryalpha"), drop_full_tier)]
    for name, articles, mutate in cases:
        top.index(articles)
        bad = stage(top, name.split()[0], mutate)
        time.sleep(1.5)  # five polls of each puller
        kept = all(current_of(top.node_dir(n)) == serving and node_generation(top, n) == serving
                   for n in (1, 2))
        status, headers, _ = get(top.ports["front"], search_path("stretching"))
        check(f"{name} generation {bad}: never switched, the previous one keeps serving",
              kept and status == 200 and headers.get("X-Index-Generation") == serving,
              f"{[current_of(top.node_dir(n)) for n in (1, 2)]} {status} {dict(headers)}")
        check(f"{name} generation: no unpacked copy is left beside the current one",
              not os.path.exists(os.path.join(top.node_dir(1), bad)))
    left = sorted(d for d in os.listdir(top.node_dir(1))  # a pull under way aside
                  if d.startswith("gen-") and ".partial-" not in d)
    previous = f"gen-{int(serving[4:]) - 1:08d}"  # kept: the next update takes it over
    check("generations older than the current one and the one before it are removed after "
          "the grace period", left == [previous, serving], left)


def check_never_ready(top, serving, empty):
    """archive-serve on directories whose CURRENT names a bad generation: a copy renamed
    into place (its tiers carry another name) and an empty one."""
    renamed = os.path.join(top.root, "renamed")
    shutil.copytree(os.path.join(top.node_dir(1), serving),
                    os.path.join(renamed, "gen-00000099"))
    with open(os.path.join(renamed, "CURRENT"), "w") as f:
        f.write("gen-00000099\n")
    hollow = os.path.join(top.root, "hollow")
    os.makedirs(hollow)
    with tarfile.open(os.path.join(top.root, "staging-empty", empty + ".tar")) as t:
        t.extractall(hollow)
    with open(os.path.join(hollow, "CURRENT"), "w") as f:
        f.write(empty + "\n")
    for name, index, why in [("a renamed", renamed, b"carries generation"),
                             ("an empty", hollow, b"holds no documents")]:
        port = free_port()
        top.start("never-ready", [os.path.join(BIN, "archive-serve"), "--index", index,
                                  "--listen", f"127.0.0.1:{port}"])
        wait_for(lambda: get(port, "/healthz")[0] == 200, "a node to start")
        answers = []
        for _ in range(10):
            answers.append(get(port, "/readyz"))
            time.sleep(0.1)
        top.kill("never-ready")
        check(f"a node whose CURRENT names {name} generation never reports ready",
              all(a[0] == 503 and why in a[2] for a in answers), answers[-1][2])


def main():
    root = tempfile.mkdtemp(prefix="deploy-test-")
    os.chmod(root, 0o755)  # nginx started as root reads the origin as an unprivileged user
    top = Topology(root)
    try:
        check_configs(top)
        serving = check_publishing_under_load(top)
        serving = check_node_killed_under_load(top, serving)
        serving = check_updates_shipped_as_changes(top, serving)
        check_bad_generations(top, serving)
        empty = [d for d in os.listdir(os.path.join(root, "staging-empty"))
                 if d.endswith(".tar")][0][:-4]
        check_never_ready(top, serving, empty)
    except Exception as e:  # a step that could not run is a failure, with its logs
        check("the topology ran to the end", False, repr(e))
    finally:
        top.stop_all()
    if FAILED:
        for log in sorted(os.listdir(root)):
            if log.endswith(".log"):
                with open(os.path.join(root, log), errors="replace") as f:
                    print(f"--- {log} (last lines)\n" + "".join(f.readlines()[-15:]))
    else:
        shutil.rmtree(root, ignore_errors=True)
    print(f"{len(PASSED)} passed, {len(FAILED)} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Requests/s of /v1/search through HAProxy with one node against two, on loopback:
#   deploy/measure-front.sh BIN_DIR INDEX_DIR [SECONDS]
# Starts two archive-serve nodes on INDEX_DIR and HAProxy (deploy/haproxy.cfg) on free
# ports, runs wrk (-t2 -c16, the queries of bench/queries.txt) with node2 disabled, then
# with both, and prints one line each. Every process it starts is stopped on the way out.
set -euo pipefail
bin="${1:?usage: $0 BIN_DIR INDEX_DIR [SECONDS]}" index="${2:?}" seconds="${3:-15}"
here=$(cd "$(dirname "$0")" && pwd)
run=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait; rm -rf "$run"' EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ARCHIVE_FRONT_BIND="127.0.0.1:$(port)" ARCHIVE_NODE1="127.0.0.1:$(port)"
ARCHIVE_NODE2="127.0.0.1:$(port)" ARCHIVE_HAPROXY_RUN="$run"
export ARCHIVE_FRONT_BIND ARCHIVE_NODE1 ARCHIVE_NODE2 ARCHIVE_HAPROXY_RUN
for node in "$ARCHIVE_NODE1" "$ARCHIVE_NODE2"; do
  "$bin/archive-serve" --index "$index" --listen "$node" --threads 2 >/dev/null 2>&1 &
  pids+=($!)
done
haproxy -db -f "$here/haproxy.cfg" >/dev/null 2>&1 &
pids+=($!)

# The benchmark queries, rotated by a wrk script.
grep -v '^#' "$here/../bench/queries.txt" | grep . | python3 -c '
import sys, urllib.parse
paths = ",\n".join("\"/v1/search?q=%s\"" % urllib.parse.quote_plus(q.strip()) for q in sys.stdin)
print("local paths = {%s}\nlocal i = 0\nfunction request()\n  i = i %% #paths + 1\n"
      "  return wrk.format(\"GET\", paths[i])\nend" % paths)' >"$run/queries.lua"

admin() { echo "$1" | python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.stdin.buffer.read())
print(s.recv(65536).decode(), end="")' "$run/admin.sock"; }
up() { admin "show stat" | grep -c '^nodes,node[12],.*,UP,' || true; }
for _ in $(seq 100); do [[ $(up) -eq 2 ]] && break; sleep 0.1; done
[[ $(up) -eq 2 ]] || { echo "the nodes did not come up" >&2; exit 1; }

measure() {
  wrk -t2 -c16 -d"${seconds}s" --latency -s "$run/queries.lua" "http://$ARCHIVE_FRONT_BIND" |
    awk -v what="$1" '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
      /Non-2xx|Socket errors/ {bad=bad " " $0}
      END {printf "%-10s %9s req/s  p50 %s  p99 %s%s\n", what, rps, p50, p99, bad}'
}
admin "disable server nodes/node2" >/dev/null
measure "one node"
admin "enable server nodes/node2" >/dev/null
for _ in $(seq 100); do [[ $(up) -eq 2 ]] && break; sleep 0.1; done
measure "two nodes"

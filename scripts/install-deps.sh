#!/usr/bin/env bash
# Installs what building, testing and benchmarking need, from Debian's packages:
# libssl-dev signs the unit tests' hand-made tokens; libxml2-dev, libcmark-dev and
# libyaml-cpp-dev parse HTML, Markdown and YAML front matter for the importers; clang-14
# and its runtimes build the libFuzzer targets.
# Idempotent: does nothing when everything is there already. Uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake pkg-config clang-format
  libxapian-dev nlohmann-json3-dev libspdlog-dev libgtest-dev libcli11-dev
  libcpp-httplib-dev libjwt-dev libjemalloc-dev libboost1.74-dev libssl-dev
  libxml2-dev libcmark-dev libyaml-cpp-dev
  clang-14 libclang-rt-14-dev
  python3 python3-jsonschema python3-yaml
  python3-selenium chromium chromium-driver
  haproxy nginx-light curl xapian-tools docker-compose
)
# Peers the benchmarks compare against (not needed by the tests).
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(xapian-omega sqlite3 wrk time)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"

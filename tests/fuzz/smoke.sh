#!/bin/sh
# Fuzzes one target for a while: smoke.sh FUZZER SEEDS SECONDS FINDINGS
# New inputs go to a scratch corpus (the seeds are read, never written); an input that
# crashes, leaks, trips a sanitizer or runs over 10 s is kept in FINDINGS, and the run fails.
set -eu
fuzzer=$1 seeds=$2 seconds=$3 findings=$4
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-corpus.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$findings"
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
  -artifact_prefix="$findings/" "$scratch" "$seeds"

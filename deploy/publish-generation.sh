#!/usr/bin/env bash
# Publishes the index's current generation to an origin directory that replicas pull from
# (served by nginx, or any static file server):
#   gen-N.tar          the generation directory (public/, full/, manifest.json), packed
#   gen-N.tar.sha256   its SHA-256, in sha256sum's format
#   gen-N.json         a small manifest: name, size, checksum, the generation's manifest.json
#   gen-N.changes.tar  for a generation made by an update: its manifest.json and change log
#                      (changes/), with gen-N.changes.tar.sha256; a node on the update's base
#                      replays it (archive-index --apply-changes) instead of downloading gen-N
#   LATEST             the name of the newest generation, written last, by rename
# Every file appears by rename, so a client never reads one half-written; LATEST names a
# generation only once its artifact and checksum are in place. Older artifacts beyond
# --keep are removed.
set -euo pipefail

usage() {
  echo "usage: $0 --index DIR --origin DIR [--keep N]" >&2
  exit 64
}

index="" origin="" keep=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --index) index="${2:?}"; shift 2 ;;
    --origin) origin="${2:?}"; shift 2 ;;
    --keep) keep="${2:?}"; shift 2 ;;
    *) usage ;;
  esac
done
[[ -n "$index" && -n "$origin" ]] || usage

mkdir -p "$origin"
# archive-index holds this lock while it writes; holding it here keeps the indexer from
# removing the generation while it is packed.
exec 9<>"$index/.lock"
flock -w 600 9 || { echo "$index: an indexer run holds the lock; try again later" >&2; exit 1; }

name=$(head -n1 "$index/CURRENT" 2>/dev/null) ||
  { echo "$index: nothing published yet (no CURRENT); run archive-index first" >&2; exit 1; }
[[ "$name" =~ ^gen-[0-9]+$ && -d "$index/$name" ]] ||
  { echo "$index/CURRENT names \"$name\", which is not a generation here" >&2; exit 1; }
if [[ "$(cat "$origin/LATEST" 2>/dev/null)" == "$name" ]]; then
  echo "$name is already the origin's LATEST"
  exit 0
fi

tmp="$origin/.$name.$$"
trap 'rm -f "$tmp".*' EXIT
tar -C "$index" -cf "$tmp.tar" "$name"
sum=$(sha256sum "$tmp.tar" | cut -d' ' -f1)
bytes=$(stat -c %s "$tmp.tar")
echo "$sum  $name.tar" >"$tmp.sha256"
printf '{"generation": "%s", "bytes": %s, "sha256": "%s", "index_manifest": %s}\n' \
  "$name" "$bytes" "$sum" "$(cat "$index/$name/manifest.json")" >"$tmp.json"
echo "$name" >"$tmp.latest"
sync "$tmp.tar" "$tmp.sha256" "$tmp.json" "$tmp.latest"

# An update's change log: what a node on its base needs, in proportion to the change.
if grep -q '^  "base": "gen-[0-9]*"' "$index/$name/manifest.json" && [[ -d "$index/$name/changes" ]]; then
  tar -C "$index" -cf "$tmp.changes.tar" "$name/manifest.json" "$name/changes"
  echo "$(sha256sum "$tmp.changes.tar" | cut -d' ' -f1)  $name.changes.tar" >"$tmp.changes.sha256"
  sync "$tmp.changes.tar" "$tmp.changes.sha256"
  mv -f "$tmp.changes.tar" "$origin/$name.changes.tar"
  mv -f "$tmp.changes.sha256" "$origin/$name.changes.tar.sha256"
fi
mv -f "$tmp.tar" "$origin/$name.tar"
mv -f "$tmp.sha256" "$origin/$name.tar.sha256"
mv -f "$tmp.json" "$origin/$name.json"
mv -f "$tmp.latest" "$origin/LATEST"
sync "$origin"

# Older artifacts: keep the newest --keep, so a puller that read LATEST a moment ago
# still finds what it named.
find "$origin" -maxdepth 1 -name 'gen-*.tar' -printf '%f\n' | sed 's/\.tar$//' | sort |
  head -n -"$keep" |
  while read -r old; do
    rm -f "$origin/$old".{tar,tar.sha256,json,changes.tar,changes.tar.sha256}
  done
echo "published $name ($bytes bytes, sha256 $sum)"

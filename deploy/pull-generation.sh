#!/usr/bin/env bash
# Keeps a search node's index directory on the origin's newest generation.
#
# Every --interval seconds: read the origin's LATEST with curl; when it names a generation
# other than the one CURRENT names, download gen-N.tar and its checksum, verify the
# checksum, unpack beside the current generation, check both tiers (xapian-check, at least
# one document, the generation's name stamped in their metadata), fsync, and switch
# CURRENT by rename. archive-serve, watching CURRENT, moves both tiers at once between two
# requests. A download or check that fails leaves CURRENT alone: the node keeps serving
# the generation it has, and the next poll tries again. Generations CURRENT no longer
# names, but for the one just before it, are removed once CURRENT is --grace seconds old,
# so a request that opened the previous one a moment before the switch still finds it. With --once it polls once and
# exits 0 only when the node is on the origin's newest generation.
#
# A generation an update made from the one this node is on arrives as its change log
# (gen-N.changes.tar, checksummed): archive-index --apply-changes replays it here into the
# same generation, so a node downloads what changed, not the archive. The node keeps the
# generation before its current one, which its next update takes over (the A/B pair of
# DESIGN.md, "Updates"). A rebuild, or a node further behind, is pulled whole.
#
# Transport is curl: the artifacts are immutable whole files behind plain HTTP, which
# nginx, a CDN or an object store serves, and curl is in every base image. rsync would
# need a daemon or ssh on the origin and gains nothing on files that never change.
set -uo pipefail

usage() {
  echo "usage: $0 --origin URL --index DIR [--interval SECONDS] [--grace SECONDS] [--once]" >&2
  exit 64
}

origin="${ARCHIVE_ORIGIN:-}" index="${ARCHIVE_INDEX:-}"
interval="${ARCHIVE_PULL_INTERVAL:-30}" grace="${ARCHIVE_PULL_GRACE:-60}" once=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --origin) origin="${2:?}"; shift 2 ;;
    --index) index="${2:?}"; shift 2 ;;
    --interval) interval="${2:?}"; shift 2 ;;
    --grace) grace="${2:?}"; shift 2 ;;
    --once) once=1; shift ;;
    *) usage ;;
  esac
done
[[ -n "$origin" && -n "$index" ]] || usage
origin="${origin%/}"

log() { echo "pull-generation: $*" >&2; }

indexer="${ARCHIVE_INDEXER:-archive-index}"

current() { head -n1 "$index/CURRENT" 2>/dev/null; }

fetch() {  # URL FILE
  curl -fsS --connect-timeout 5 --max-time "${ARCHIVE_PULL_MAX_TIME:-600}" -o "$2" "$1"
}

# Whether the unpacked generation at $1, named $2, may be served: both tiers consistent,
# not empty, and stamped with its own name (archive.generation, set when it was published).
check_generation() {
  local dir="$1" name="$2" tier db docs stamp
  for tier in public full; do
    db="$dir/$tier"
    xapian-check "$db" >/dev/null 2>&1 || { log "$name: $tier tier fails xapian-check"; return 1; }
    docs=$(xapian-delve "$db" 2>/dev/null | sed -n 's/^number of documents = //p')
    [[ "${docs:-0}" -gt 0 ]] || { log "$name: $tier tier holds no documents"; return 1; }
    stamp=$(xapian-metadata get "$db" archive.generation 2>/dev/null)
    [[ "$stamp" == "$name" ]] || { log "$name: $tier tier carries generation \"$stamp\""; return 1; }
  done
}

# Downloads, verifies and unpacks generation $1 beside the current one, then makes it
# current. Returns non-zero, CURRENT untouched, when anything fails.
pull() {
  local name="$1" work="$index/$1.partial-pull"
  rm -rf "$work" && mkdir -p "$work" || return 1
  fetch "$origin/$name.tar" "$work/$name.tar" &&
    fetch "$origin/$name.tar.sha256" "$work/$name.tar.sha256" || return 1
  (cd "$work" && sha256sum --quiet --strict -c "$name.tar.sha256") ||
    { log "$name: checksum mismatch; not switching"; return 1; }
  if tar -tf "$work/$name.tar" | grep -qv "^$name/"; then
    log "$name: the archive holds files outside $name/; not switching"
    return 1
  fi
  tar -C "$work" -xf "$work/$name.tar" --no-same-owner || return 1
  check_generation "$work/$name" "$name" || return 1
  find "$work/$name" -exec sync {} + || return 1
  rm -rf "${index:?}/$name" && mv -T "$work/$name" "$index/$name" || return 1
  echo "$name" >"$index/CURRENT.tmp" && sync "$index/CURRENT.tmp" &&
    mv -T "$index/CURRENT.tmp" "$index/CURRENT" && sync "$index" || return 1
  rm -rf "$work"
  log "switched to $name"
}

# Replays the change log of generation $1, an update of the generation this node is on.
# Returns non-zero, CURRENT untouched, when there is none or anything fails.
pull_changes() {
  local name="$1" work status
  work=$(mktemp -d) || return 1  # outside the index: archive-index never reads input there
  # No change log (a rebuild) is the usual reason to fail here: say nothing then.
  fetch "$origin/$name.changes.tar" "$work/$name.changes.tar" 2>/dev/null &&
    fetch "$origin/$name.changes.tar.sha256" "$work/$name.changes.tar.sha256" ||
    { rm -rf "$work"; return 1; }
  if ! (cd "$work" && sha256sum --quiet --strict -c "$name.changes.tar.sha256") ||
    tar -tf "$work/$name.changes.tar" | grep -qv "^$name/" ||
    ! tar -C "$work" -xf "$work/$name.changes.tar" --no-same-owner; then
    log "$name: change log fails its checksum or holds other files; pulling it whole"
    rm -rf "$work"
    return 1
  fi
  flock -u 9  # archive-index takes the index's lock itself
  "$indexer" --index "$index" --apply-changes "$work/$name" >/dev/null 2>"$work/index.log"
  status=$?
  flock -w 600 9
  if [[ $status -ne 0 && $status -ne 2 ]] || [[ "$(current)" != "$name" ]]; then
    log "$name: replaying its change log failed ($(tail -n1 "$work/index.log")); pulling it whole"
    rm -rf "$work"
    return 1
  fi
  rm -rf "$work"
  log "switched to $name (replayed its change log)"
}

# Removes generations CURRENT no longer names (but for the one just before it) once it has
# named its generation for --grace seconds, and the working directories of pulls that were
# cut short.
retire_old() {
  local name="$1" entry
  local age=$(($(date +%s) - $(stat -c %Y "$index/CURRENT" 2>/dev/null || date +%s)))
  local previous
  previous=$(printf 'gen-%08d' $((10#${name#gen-} - 1)))
  for entry in "$index"/gen-*; do
    [[ -e "$entry" ]] || continue
    case "$(basename "$entry")" in
      "$name" | "$previous") ;;  # the previous one: the next update takes it over
      *.partial-pull) rm -rf "$entry" ;;
      *.partial-*) ;;  # an indexer's: its own runs clean those
      *) [[ $age -ge $grace ]] && rm -rf "$entry" ;;
    esac
  done
}

mkdir -p "$index"
exec 9<>"$index/.lock"
while :; do
  if flock -n 9; then
    if ! latest=$(curl -fsS --connect-timeout 5 --max-time 10 "$origin/LATEST"); then
      log "cannot read $origin/LATEST; keeping $(current || echo 'no generation')"
    elif [[ ! "$latest" =~ ^gen-[0-9]+$ ]]; then
      log "$origin/LATEST does not name a generation; ignoring it"
    elif [[ "$latest" != "$(current)" ]]; then
      pull_changes "$latest" || pull "$latest" ||
        log "$latest: not switched; keeping $(current || echo 'no generation')"
    fi
    [[ -n "$(current)" ]] && retire_old "$(current)"
    flock -u 9
  else
    log "$index is locked by another writer; trying again later"
  fi
  # --once: the exit status says whether the node is on the origin's newest generation.
  [[ $once -eq 1 ]] && { [[ "$(current)" == "${latest:-}" ]]; exit; }
  sleep "$interval"
done

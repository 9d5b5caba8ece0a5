#!/usr/bin/env bash
# Build a virtualenv once per lock-file hash and link it into the project.
# usage: scripts/ensure_venv.sh <link-name> <lock-file> [extra pip args for a second step...]
# The venv lives in $VENV_CACHE (default ~/.cache/insurance-desk) keyed by the lock's hash, so
# CI and later sessions on the same machine reuse it; a new machine builds it from nothing.
set -euo pipefail
link="$1"; lock="$2"; shift 2
cache="${VENV_CACHE:-$HOME/.cache/insurance-desk}"
# The lock, the files it includes (`-r other.txt`, relative to it) and this script: a change to any builds anew.
included=$(sed -n 's/^-r[[:space:]]*//p' "$lock" | while read -r name; do echo "$(dirname "$lock")/$name"; done)
hash=$(cat "$lock" $included "$0" | sha256sum | cut -c1-16)
target="$cache/$(basename "$link")-$hash"
python="${PYTHON:-python3.11}"
if [ ! -f "$target/.complete" ]; then
  echo ">> building $link in $target (lock hash $hash)"
  rm -rf "$target"
  mkdir -p "$cache"
  "$python" -m venv "$target"
  "$target/bin/pip" install --quiet --upgrade "pip<26" wheel
  # pip's own progress (packages collected, downloaded, installed): the first build takes minutes.
  "$target/bin/pip" install --progress-bar on -r "$lock"
  if [ "$#" -gt 0 ]; then "$target/bin/pip" install --progress-bar on "$@"; fi
  touch "$target/.complete"
fi
if [ "$(readlink "$link" 2>/dev/null)" != "$target" ]; then
  rm -rf "$link"
  ln -s "$target" "$link"
fi

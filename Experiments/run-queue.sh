#!/bin/bash
# Runs the `orl` commands (train, morec learn-reward) of one or more run lists (runs.txt files), one after another,
# from the repository root. A run whose directory holds final.h5 is skipped; one with a
# checkpoint is resumed. Safe to kill and restart at any time: finished work is never redone.
# Several queues may run at once (one per core, say): each run is locked while one of them runs it.
#
#   Experiments/run-queue.sh Experiments/mopo-mobile/runs.txt [more lists...]
#
# ORL: the orl binary (default .build/release/orl; build it with `swift build -c release --product orl`).
# Lines are `orl SUBCOMMAND ... --out DIR ...`; blank lines and lines starting with # are ignored.
set -u
cd "$(dirname "$0")/.."
ORL=${ORL:-.build/release/orl}
[ -x "$ORL" ] || { echo "no orl binary at $ORL; run: swift build -c release --product orl" >&2; exit 1; }
for list in "$@"; do
  grep -v '^\s*\(#\|$\)' "$list" | while IFS= read -r line; do
    out=$(sed -n 's/.*--out \([^ ]*\).*/\1/p' <<<"$line")
    [ -n "$out" ] || { echo "skipping a line without --out: $line" >&2; continue; }
    mkdir -p "$out"
    # One queue per run: a second queue started on the same lists skips what another is running
    # (the lock is held by the orl process itself, so it outlives a killed queue).
    exec 9> "$out/.queue-lock"
    if ! flock -n 9; then echo "busy:    $out (another queue runs it)"; exec 9>&-; continue; fi
    # Finished: an agent (orl train) or a dynamics reward (orl morec learn-reward).
    if [ -f "$out/final.h5" ] || [ -f "$out/reward.h5" ]; then echo "done:    $out"; exec 9>&-; continue; fi
    resume=""
    for f in checkpoint.h5 dynamics.h5 dynamics-fit.h5 learner.h5; do [ -f "$out/$f" ] && resume="--resume"; done
    echo "running: $out $resume"
    # shellcheck disable=SC2086
    ${line/#orl /$ORL } $resume >> "$out/stdout.log" 2>> "$out/stderr.log" < /dev/null \
      || echo "FAILED:  $out (see $out/stderr.log)"
    exec 9>&-
  done
done

#!/bin/bash
# Runs the run lists (runs.txt files) given, one run after another, with a chosen orl binary:
# `orl reproduce --no-table LIST...` (finished runs are skipped, killed ones resumed, each run locked
# while a queue runs it, so several queues may share lists). From the repository root:
#
#   Experiments/run-queue.sh Experiments/mopo-mobile/runs.txt [more lists...]
#
# ORL: the orl binary (default .build/release/orl; build it with `swift build -c release --product orl`).
# A copy of the binary keeps a long queue independent of later rebuilds. To stop a queue keeping all
# work (before a machine goes away): kill -USR1 QUEUE_PID; its run checkpoints after its current
# update, no further run starts, and the queue exits 75. To stop it at a deadline (a machine booked
# until a given time), let coreutils send that signal: timeout -s USR1 160m Experiments/run-queue.sh ...
# (one number with one unit: timeout rejects a compound duration such as 2h40m).
set -u
cd "$(dirname "$0")/.."
ORL=${ORL:-.build/release/orl}
[ -x "$ORL" ] || { echo "no orl binary at $ORL; run: swift build -c release --product orl" >&2; exit 1; }
exec "$ORL" reproduce --no-table "$@"

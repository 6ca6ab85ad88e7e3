#!/usr/bin/env bash
# backlog.sh — a backlog waiting in a queue channel: N small JSON messages loaded into the queue of a paused
# channel_amqp on the backbone's broker (into demo.hello), then the channel resumed; prints the drain rate, and the
# node's RSS before, while draining (sampled every half second: the highest, and how it moved) and after — memory
# should stay flat, bound by the prefetch, not by the backlog.
#   tests/bench/scale/backlog.sh [--messages N] [--prefetch P] [--consumers C]     (defaults 100000, 64, 2)
messages=100000 prefetch=64 consumers=2
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) messages=$2; shift 2;;
    --prefetch) prefetch=$2; shift 2;;
    --consumers) consumers=$2; shift 2;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "backlog.sh: unknown argument $1 (see --help)" >&2; exit 2;;
  esac
done
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
mgmt=http://127.0.0.1:15672/api/queues/%2F
trap 'scale_cleanup; for q in bench.backlog bench.backlog.dead; do curl -s -u guest:guest -X DELETE "$mgmt/$q" >/dev/null || true; done' EXIT

scale_build
node_start
api POST /admin/connections/amqp '{"name":"Backbone"}' >/dev/null
api POST /admin/channels/amqp "{\"name\":\"Backlog\",\"connection\":\"Backbone\",\"queue\":\"bench.backlog\",\"service\":\"demo.hello\",\"prefetch\":$prefetch,\"consumers\":$consumers,\"is_active\":false}" >/dev/null
runs() { curl -s -u admin:bench "$admin/admin/services/demo.hello" | sed -n 's/.*"invocations":\([0-9]*\).*/\1/p'; }
say "loading $messages messages"
$contenders amqp-fill amqp://guest:guest@127.0.0.1:5672/ bench.backlog "$messages" > /dev/null
settle 5
before=$(rss_mib "$node_pid")
until=$(( $(runs) + messages ))
: > "$work/rss"
t0=$(date +%s.%N)
api PUT /admin/channels/amqp/Backlog '{"is_active":true}' >/dev/null
while [ "$(runs)" -lt "$until" ]; do
  echo "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') $(rss_mib "$node_pid") $(runs)" >> "$work/rss"
  sleep 0.5
  kill -0 "$node_pid" 2>/dev/null || { say "the node stopped"; exit 1; }
done
t1=$(date +%s.%N)
settle 5
after=$(rss_mib "$node_pid")
depth=$(curl -s -u guest:guest "$mgmt/bench.backlog" | sed -n 's/.*"messages":\([0-9]*\).*/\1/p' | head -n 1)

machine
awk -v n="$messages" -v a="$t0" -v b="$t1" -v p="$prefetch" -v c="$consumers" \
  'BEGIN { printf "%d messages drained in %.1f s: %.0f msg/s (prefetch %d, %d consumers)\n", n, b - a, n / (b - a), p, c }'
awk -v b="$before" -v f="$after" '
  { if ($2 > max) max = $2; n++; t[n] = $1; r[n] = $2; d[n] = $3 }
  END {
    printf "node RSS: %.1f MiB before, highest %.1f MiB while draining, %.1f MiB after (%+.1f MiB at most)\n", b, max, f, max - b
    step = int(n / 5); if (step < 1) step = 1
    printf "while draining (s: MiB, messages run):"
    for (i = 1; i <= n; i += step) printf "  %s: %.0f, %d", t[i], r[i], d[i]
    printf "\n"
  }' "$work/rss"
echo "left in the queue: ${depth:-?}"

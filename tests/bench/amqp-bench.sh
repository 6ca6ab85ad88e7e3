#!/usr/bin/env bash
# amqp-bench.sh — messages per second through an AMQP channel: a queue loaded with --messages small JSON messages,
# then drained by a channel_amqp into demo.hello (each message: consumed, sent through the backbone to a worker, run,
# answered, acknowledged), beside the baseline in the same run: a plain RabbitMQ.Client consumer that only
# acknowledges the same number of messages. Rounds alternate; prints msg/s for each, the medians, their ratio, CPU
# per message (node and broker), and the machine.
#   tests/bench/amqp-bench.sh [--messages N] [--rounds R] [--prefetch P] [--consumers C]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
messages=20000 rounds=3 prefetch=64 consumers=2
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) messages=$2; shift 2;;
    --rounds) rounds=$2; shift 2;;
    --prefetch) prefetch=$2; shift 2;;
    --consumers) consumers=$2; shift 2;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "amqp-bench.sh: unknown argument $1 (see --help)" >&2; exit 2;;
  esac
done
say() { printf '%s\n' "$*" >&2; }

bash compose/local-services.sh start >/dev/null
say "building"
for project in cli/Esb/Esb.csproj tests/bench/Contenders/Contenders.csproj; do
  if ! out=$(dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly 2>&1); then echo "$out" >&2; exit 1; fi
done
contenders="dotnet tests/bench/Contenders/bin/Release/net10.0/Contenders.dll"
broker_url=amqp://guest:guest@127.0.0.1:5672/
work=$(mktemp -d)
schema="bench_amqp_$(date +%s)"
channels=http://127.0.0.1:18310 admin=http://127.0.0.1:18383
ESB_ADMIN_PASSWORD=bench ESB_SCHEMA=$schema ESB_CHANNELS_URL=$channels ESB_ADMIN_URL=$admin ESB_NODE_NAME=amqp-bench \
  ESB_LOG_DIR=$work/logs ESB_DATA_DIR=$work/esb ESB_QUIET=true ESB_SECRET_KEY=$(head -c 32 /dev/urandom | base64) \
  dotnet cli/Esb/bin/Release/net10.0/esb.dll serve > "$work/node.out" 2>&1 &
node=$!
cleanup() {
  kill $node 2>/dev/null; wait $node 2>/dev/null || true; rm -rf "$work"
  curl -s -u guest:guest -X DELETE http://127.0.0.1:15672/api/queues/%2F/bench.channel >/dev/null || true
  curl -s -u guest:guest -X DELETE http://127.0.0.1:15672/api/queues/%2F/bench.channel.dead >/dev/null || true
  curl -s -u guest:guest -X DELETE http://127.0.0.1:15672/api/queues/%2F/bench.plain >/dev/null || true
  if command -v psql >/dev/null; then PGPASSWORD=esb psql -q -h 127.0.0.1 -p 55432 -U esb -d esb -c "drop schema if exists $schema cascade" 2>/dev/null || true; fi
}
trap cleanup EXIT
for _ in $(seq 1 240); do curl -sf "$channels/esb/ping" >/dev/null && break; sleep 0.25; done
api() { curl -sf -u admin:bench -H 'Content-Type: application/json' -X "$1" "$admin$2" ${3:+-d "$3"} > /dev/null || { say "admin API refused $1 $2 $3"; exit 1; }; }
api POST /admin/connections/amqp '{"name":"Backbone"}'
api POST /admin/channels/amqp "{\"name\":\"Bench\",\"connection\":\"Backbone\",\"queue\":\"bench.channel\",\"service\":\"demo.hello\",\"prefetch\":$prefetch,\"consumers\":$consumers,\"is_active\":false}"
depth() { curl -s -u guest:guest "http://127.0.0.1:15672/api/queues/%2F/$1" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("messages", 0) + 0)'; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
broker=$(pgrep -f 'beam.smp.*rabbit' | head -n 1)
hz=$(getconf CLK_TCK)

results=()
for round in $(seq 1 "$rounds"); do
  # The channel: load while it is paused, then time it from resume until the queue is empty and nothing is unacked.
  $contenders amqp-fill "$broker_url" bench.channel "$messages" > /dev/null
  n0=$(ticks $node); b0=$(ticks "$broker"); t0=$(date +%s.%N)
  curl -sf -u admin:bench -H 'Content-Type: application/json' -X PUT "$admin/admin/channels/amqp/Bench" -d '{"is_active":true}' > /dev/null
  while :; do
    m=$(curl -s -u guest:guest "http://127.0.0.1:15672/api/queues/%2F/bench.channel?columns=messages,messages_unacknowledged" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("messages",1))')
    [ "$m" = 0 ] && break; sleep 0.05
  done
  t1=$(date +%s.%N); n1=$(ticks $node); b1=$(ticks "$broker")
  curl -sf -u admin:bench -H 'Content-Type: application/json' -X PUT "$admin/admin/channels/amqp/Bench" -d '{"is_active":false}' > /dev/null
  channel_rate=$(awk -v n="$messages" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
  channel_cpu=$(awk -v n="$messages" -v dn=$((n1 - n0)) -v db=$((b1 - b0)) -v hz="$hz" 'BEGIN { printf "%.0f", (dn + db) / hz * 1e6 / n }')
  # The baseline: the same messages, a plain consumer that only acknowledges.
  $contenders amqp-fill "$broker_url" bench.plain "$messages" > /dev/null
  b0=$(ticks "$broker")
  plain=$($contenders amqp-drain "$broker_url" bench.plain "$messages" "$prefetch")
  b1=$(ticks "$broker")
  plain_rate=$(awk '{print $(NF-1)}' <<<"$plain")
  say "round $round: channel ${channel_rate} msg/s (${channel_cpu} µs CPU/msg, node+broker), plain consumer ${plain_rate} msg/s"
  results+=("$channel_rate $plain_rate $channel_cpu")
done
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
c=$(printf '%s\n' "${results[@]}" | awk '{print $1}' | median)
p=$(printf '%s\n' "${results[@]}" | awk '{print $2}' | median)
u=$(printf '%s\n' "${results[@]}" | awk '{print $3}' | median)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
echo "machine: $(nproc) cores, $cpu; $messages messages per round, prefetch $prefetch, $consumers consumers"
echo "channel_amqp → demo.hello: median $c msg/s, $u µs CPU per message (node + broker)"
echo "plain consumer (ack only): median $p msg/s"
awk -v c="$c" -v p="$p" 'BEGIN { printf "ratio: %.1f %% of the plain consumer\n", 100 * c / p }'

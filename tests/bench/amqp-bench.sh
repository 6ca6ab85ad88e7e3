#!/usr/bin/env bash
# amqp-bench.sh — messages per second through the queue channels, each beside its baseline in the same run:
#   backbone   a channel_amqp on the backbone's own broker into demo.hello (consumed by the node that runs the
#              service; each message run where it is delivered, then acknowledged)
#   other      a channel_amqp on another broker (a connection with its own address: here the same RabbitMQ, so the
#              figures compare) into demo.hello (each message moved into the backbone, confirmed, acknowledged at
#              its source, then run by a worker from there)
#   mq         a channel_mq (AMQP 1.0, RabbitMQ's amqp1_0 plugin) into demo.hello, moved into the backbone likewise
#   plain      a plain RabbitMQ.Client consumer that only acknowledges (the baseline of both AMQP channels)
#   plain-mq   a plain AMQPNetLite receiver that only accepts (the baseline of the MQ channel)
# Each round loads a queue with --messages small JSON messages while its channel is paused, then times it from
# resume until the service ran every one (the node's count of demo.hello's runs, from the admin API: the broker's
# management figures lag by seconds). Rounds alternate; prints msg/s
# for each, the medians, the ratios, CPU per message (node and broker), and the machine.
#   tests/bench/amqp-bench.sh [--messages N] [--rounds R] [--prefetch P] [--consumers C] [--only backbone,other,mq]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
messages=20000 rounds=3 prefetch=64 consumers=2 only=backbone,other,mq
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) messages=$2; shift 2;;
    --rounds) rounds=$2; shift 2;;
    --prefetch) prefetch=$2; shift 2;;
    --consumers) consumers=$2; shift 2;;
    --only) only=$2; shift 2;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "amqp-bench.sh: unknown argument $1 (see --help)" >&2; exit 2;;
  esac
done
say() { printf '%s\n' "$*" >&2; }
IFS=, read -ra channels_measured <<<"$only"

bash compose/local-services.sh start >/dev/null
say "building"
for project in cli/Esb/Esb.csproj tests/bench/Contenders/Contenders.csproj; do
  if ! out=$(dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly 2>&1); then echo "$out" >&2; exit 1; fi
done
contenders="dotnet tests/bench/Contenders/bin/Release/net10.0/Contenders.dll"
broker_url=amqp://guest:guest@127.0.0.1:5672/
mgmt=http://127.0.0.1:15672/api/queues/%2F
work=$(mktemp -d)
schema="bench_amqp_$(date +%s)"
channels=http://127.0.0.1:18310 admin=http://127.0.0.1:18383
ESB_ADMIN_PASSWORD=bench ESB_SCHEMA=$schema ESB_CHANNELS_URL=$channels ESB_ADMIN_URL=$admin ESB_NODE_NAME=amqp-bench \
  ESB_LOG_DIR=$work/logs ESB_DATA_DIR=$work/esb ESB_QUIET=true ESB_SECRET_KEY=$(head -c 32 /dev/urandom | base64) \
  dotnet cli/Esb/bin/Release/net10.0/esb.dll serve > "$work/node.out" 2>&1 &
node=$!
queues="bench.channel bench.channel.dead bench.other bench.other.dead bench.mq esb.channel_amqp.Other esb.channel_mq.Mq esb.channel_mq.Mq.dead bench.plain bench.plain-mq"
cleanup() {
  kill $node 2>/dev/null; wait $node 2>/dev/null || true; rm -rf "$work"
  for q in $queues; do curl -s -u guest:guest -X DELETE "$mgmt/$q" >/dev/null || true; done
  if command -v psql >/dev/null; then PGPASSWORD=esb psql -q -h 127.0.0.1 -p 55432 -U esb -d esb -c "drop schema if exists $schema cascade" 2>/dev/null || true; fi
}
trap cleanup EXIT
for _ in $(seq 1 240); do curl -sf "$channels/esb/ping" >/dev/null && break; sleep 0.25; done
api() { curl -sf -u admin:bench -H 'Content-Type: application/json' -X "$1" "$admin$2" ${3:+-d "$3"} > /dev/null || { say "admin API refused $1 $2 $3"; exit 1; }; }
api POST /admin/connections/amqp '{"name":"Backbone"}'
api POST /admin/connections/amqp '{"name":"Partner","address":"amqp://127.0.0.1:5672/"}'
api POST /admin/connections/mq '{"name":"Mq","address":"amqp://127.0.0.1:5672"}'
api POST /admin/channels/amqp "{\"name\":\"Backbone\",\"connection\":\"Backbone\",\"queue\":\"bench.channel\",\"service\":\"demo.hello\",\"prefetch\":$prefetch,\"consumers\":$consumers,\"is_active\":false}"
api POST /admin/channels/amqp "{\"name\":\"Other\",\"connection\":\"Partner\",\"queue\":\"bench.other\",\"service\":\"demo.hello\",\"prefetch\":$prefetch,\"consumers\":$consumers,\"is_active\":false}"
api POST /admin/channels/mq "{\"name\":\"Mq\",\"connection\":\"Mq\",\"address\":\"/queue/bench.mq\",\"service\":\"demo.hello\",\"credit\":$prefetch,\"is_active\":false}"
# runs — how many times demo.hello ran on the node
runs() { curl -s -u admin:bench "$admin/admin/services/demo.hello" | sed -n 's/.*"invocations":\([0-9]*\).*/\1/p'; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
broker=$(pgrep -f 'beam.smp.*rabbit' | head -n 1)
hz=$(getconf CLK_TCK)
declare -A kind=([backbone]=amqp [other]=amqp [mq]=mq) name=([backbone]=Backbone [other]=Other [mq]=Mq) \
  queue=([backbone]=bench.channel [other]=bench.other [mq]=bench.mq)

# channel WHICH — loads its queue while it is paused, resumes it, and times it until every message ran
channel() {
  local which=$1 n0 b0 t0 t1 n1 b1 until
  $contenders amqp-fill "$broker_url" "${queue[$which]}" "$messages" > /dev/null
  until=$(( $(runs) + messages ))
  n0=$(ticks $node); b0=$(ticks "$broker"); t0=$(date +%s.%N)
  api PUT "/admin/channels/${kind[$which]}/${name[$which]}" '{"is_active":true}'
  while [ "$(runs)" -lt "$until" ]; do sleep 0.02; done
  t1=$(date +%s.%N); n1=$(ticks $node); b1=$(ticks "$broker")
  api PUT "/admin/channels/${kind[$which]}/${name[$which]}" '{"is_active":false}'
  awk -v n="$messages" -v a="$t0" -v b="$t1" -v dn=$((n1 - n0)) -v db=$((b1 - b0)) -v hz="$hz" 'BEGIN { printf "%.0f %.0f", n / (b - a), (dn + db) / hz * 1e6 / n }'
}

# plain TOOL QUEUE ADDRESS — the baseline: the same messages, a plain consumer that only settles them
plain() {
  $contenders amqp-fill "$broker_url" "$2" "$messages" > /dev/null
  $contenders "$1" "$broker_url" "$3" "$messages" "$prefetch" | awk '{print $(NF-1)}'
}

rm -f "$work/results"
for round in $(seq 1 "$rounds"); do
  line="round $round:"
  for which in "${channels_measured[@]}"; do
    read -r rate cpu <<<"$(channel "$which")"
    echo "$which $rate $cpu" >> "$work/results"; line+=" $which ${rate} msg/s (${cpu} µs CPU/msg);"
  done
  rate=$(plain amqp-drain bench.plain bench.plain); echo "plain $rate" >> "$work/results"; line+=" plain ${rate} msg/s;"
  if [[ " ${channels_measured[*]} " == *" mq "* ]]; then
    rate=$(plain mq-drain bench.plain-mq /amq/queue/bench.plain-mq); echo "plain-mq $rate" >> "$work/results"; line+=" plain-mq ${rate} msg/s"
  fi
  say "$line"
done
median() { awk -v n="$1" -v col="$2" '$1 == n {print $col}' "$work/results" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
echo "machine: $(nproc) cores, $cpu; $messages messages per round, $rounds rounds, prefetch $prefetch, $consumers consumers"
echo "plain consumer (ack only): median $(median plain 2) msg/s"
[[ " ${channels_measured[*]} " == *" mq "* ]] && echo "plain AMQP 1.0 receiver (accept only): median $(median plain-mq 2) msg/s"
declare -A label=([backbone]="channel_amqp on the backbone's broker" [other]="channel_amqp on another broker" [mq]="channel_mq (AMQP 1.0)")
declare -A target=([backbone]=70 [other]=35 [mq]=35)
for which in "${channels_measured[@]}"; do
  base=plain; [ "$which" = mq ] && base=plain-mq
  awk -v l="${label[$which]}" -v c="$(median "$which" 2)" -v u="$(median "$which" 3)" -v p="$(median $base 2)" -v t="${target[$which]}" -v b="$base" \
    'BEGIN { printf "%s → demo.hello: median %d msg/s, %d µs CPU per message (node + broker): %.1f %% of %s (target %d %%)\n", l, c, u, 100 * c / p, b, t }'
done

#!/usr/bin/env bash
# websockets.sh — what WebSocket clients cost a node, and how fast one topic message reaches all of them:
#   memory     the node's RSS before any client and with N clients connected to a channel_websocket (an API key
#              checked at each handshake), each subscribed to a topic: the memory per connection
#   connect    the time until all N clients are connected and subscribed (64 handshakes at a time)
#   fan-out    one message published to the topic (POST /admin/pubsub/topics/{name}/publish) and pushed by a
#              pubsub_subscription (deliver_to websocket) to the clients: the time from the publish until every
#              one of the N got it, median of R rounds (after one unmeasured round)
# The clients are one process (tests/bench/Contenders ws-clients); node and clients run on this machine, and the
# script raises its open-files limit for both.
#   tests/bench/scale/websockets.sh [--clients N] [--rounds R]     (defaults 10000, 3)
clients=10000 rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients=${2:-}; shift 2 || shift;;
    --rounds) rounds=${2:-}; shift 2 || shift;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "websockets.sh: unknown argument $1 (see --help)" >&2; exit 2;;
  esac
done
[[ $clients =~ ^[1-9][0-9]*$ ]] || { echo "websockets.sh: --clients takes a number of at least 1" >&2; exit 2; }
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "websockets.sh: --rounds takes a number of at least 1" >&2; exit 2; }
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Each client is a socket in the clients' process and one in the node: both need the room.
files=$((clients + 4096)); [ "$files" -ge 65536 ] || files=65536
ulimit -n "$files" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
limit=$(ulimit -n)
if [ "$limit" != unlimited ] && [ "$limit" -lt $((clients + 1024)) ]; then
  say "websockets.sh: $clients clients need about $((clients + 1024)) open files per process; ulimit -n allows $limit"; exit 1
fi

tag=$(date +%s%N)
topic=scale.ws.$tag subscription=scale-ws-$tag key=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
mgmt=http://127.0.0.1:15672/api
crowd_pid=""
stop_crowd() {
  exec 3>&- 4<&-
  [ -n "$crowd_pid" ] || return 0
  kill "$crowd_pid" 2>/dev/null || true
  wait "$crowd_pid" 2>/dev/null || true
  crowd_pid=""
}
# The subscription's queues, the topic's exchange and the node's queue of scheduled runs (one per schema) live on
# the broker, outside the schema
drop_broker_objects() {
  for q in "esb.sub.$subscription" "esb.sub.$subscription.dead" ${schema:+"esb.scheduler.runs.$schema"}; do curl -s -u guest:guest -X DELETE "$mgmt/queues/%2F/$q" >/dev/null || true; done
  curl -s -u guest:guest -X DELETE "$mgmt/exchanges/%2F/esb.topic.$topic" >/dev/null || true
}
trap 'stop_crowd; scale_cleanup; drop_broker_objects' EXIT

scale_build
node_start
say "node ready in ${node_ready_s} s"
api POST /admin/security '{"name":"scale-ws","type":"apikey"}' >/dev/null
api POST /admin/security/scale-ws/secret "{\"secret\":\"$key\"}" >/dev/null
api POST /admin/channels/websocket "{\"name\":\"Scale\",\"service\":\"demo.hello\",\"url_path\":\"/ws/scale\",\"security\":\"scale-ws\",\"max_connections\":$clients,\"idle_timeout_seconds\":3600}" >/dev/null
api POST /admin/pubsub/topics "{\"name\":\"$topic\"}" >/dev/null
api POST /admin/pubsub/subscriptions "{\"name\":\"$subscription\",\"topic\":\"$topic\",\"deliver_to\":\"websocket\"}" >/dev/null
settle 5
before=$(rss_mib "$node_pid")
say "node before clients: ${before} MiB"

# The clients' process: "connected N S" once all are connected and subscribed, then "round R ALL_MS FIRST_MS" for
# each "publish" line it is sent
mkfifo "$work/to-crowd" "$work/from-crowd"
# shellcheck disable=SC2086   # $contenders is a command and its first argument
$contenders ws-clients "${channels/http:/ws:}/ws/scale?api_key=$key" "$clients" "$topic" "$admin/admin/pubsub/topics/$topic/publish" admin:bench \
  < "$work/to-crowd" > "$work/from-crowd" &
crowd_pid=$!
exec 3> "$work/to-crowd" 4< "$work/from-crowd"
say "connecting $clients clients"
read -r -u 4 word connected connect_s || { say "websockets.sh: the clients' process did not connect them all (see above)"; exit 1; }
if [ "$word" != connected ] || [ "$connected" != "$clients" ]; then say "websockets.sh: the clients said '$word $connected $connect_s'"; exit 1; fi
say "connected and subscribed: $clients clients in ${connect_s} s"
settle 5
with=$(rss_mib "$node_pid") crowd_rss=$(rss_mib "$crowd_pid")
say "node with $clients clients: ${with} MiB (the clients' process: ${crowd_rss} MiB)"

# round — publishes once, and waits for the clients' process to say how long until all got it: sets all, first (ms)
round() {
  local word number
  echo publish >&3
  read -r -u 4 word number all first || { say "websockets.sh: the clients' process gave no figures for the round (see above)"; exit 1; }
  [ "$word" = round ] || { say "websockets.sh: the clients said '$word $number $all $first'"; exit 1; }
}
round
say "warm-up round: all ${all} ms (first client ${first} ms)"
: > "$work/rounds"
for r in $(seq 1 "$rounds"); do
  sleep 1
  round
  echo "$all $first" >> "$work/rounds"
  say "round $r: all $clients clients ${all} ms after the publish (first client ${first} ms)"
done
exec 3>&-
wait "$crowd_pid" || { crowd_pid=""; say "websockets.sh: the clients' process failed"; exit 1; }
crowd_pid=""
median() { sort -n -k"$1" "$work/rounds" | awk -v c="$1" '{ a[NR] = $c } END { print a[int((NR + 1) / 2)] }'; }
all_median=$(median 1) first_median=$(median 2)
list=$(awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $1 }' "$work/rounds")

machine
echo "node: ready ${node_ready_s} s after start; a channel_websocket (API key at the handshake) into demo.hello, a topic and a deliver_to websocket subscription"
awk -v a="$before" -v b="$with" -v n="$clients" -v c="$crowd_rss" \
  'BEGIN { printf "node RSS: %.1f MiB before clients, %.1f MiB with %d connected: %.1f KiB per connection (the clients'"'"' process: %.1f MiB)\n", a, b, n, (b - a) * 1024 / n, c }'
awk -v n="$clients" -v s="$connect_s" 'BEGIN { printf "connect: %d clients connected and subscribed in %.2f s (%.0f per second, 64 handshakes at a time)\n", n, s, n / s }'
echo "fan-out: one topic message to all $clients clients: median ${all_median} ms from the publish until the last got it, over $rounds round(s) ($list ms); the first client after ${first_median} ms"
awk -v a="$before" -v b="$with" -v n="$clients" -v s="$connect_s" -v m="$all_median" \
  'BEGIN { printf "summary: %d WebSocket clients on one node: %.1f KiB per connection, all connected in %.2f s, a topic message reaches all of them in %s ms (median)\n", n, (b - a) * 1024 / n, s, m }'

#!/usr/bin/env bash
# invoke-bench.sh — a first measurement of the backbone: wrk against
#   ping:   GET /esb/ping on the channel port (a plain in-process endpoint, no broker), and
#   invoke: POST /admin/services/demo.hello/invoke (admin API → RabbitMQ → worker → reply),
# on one node, in alternating rounds; prints requests/s, p50 and p99, CPU per request (node and broker),
# the medians over the rounds, and invoke's ratio to ping.
#   tests/bench/invoke-bench.sh [--rounds N] [--seconds S] [--connections C]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
rounds=3 seconds=10 connections=32
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2;;
    --seconds) seconds=$2; shift 2;;
    --connections) connections=$2; shift 2;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "invoke-bench.sh: unknown argument $1 (see --help)" >&2; exit 2;;
  esac
done

command -v wrk >/dev/null || { echo "installing wrk"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
bash compose/local-services.sh start >/dev/null
if ! out=$(dotnet build cli/Esb/Esb.csproj -c Release -nologo -v quiet -clp:ErrorsOnly 2>&1); then echo "$out" >&2; exit 1; fi

work=$(mktemp -d)
channels=http://127.0.0.1:17110 admin=http://127.0.0.1:18183
ESB_ADMIN_PASSWORD=bench ESB_SCHEMA=bench ESB_CHANNELS_URL=$channels ESB_ADMIN_URL=$admin ESB_NODE_NAME=bench \
  ESB_LOG_DIR=$work/logs ESB_DATA_DIR=$work/.esb \
  dotnet cli/Esb/bin/Release/net10.0/esb.dll serve > "$work/node.out" 2>&1 &
node=$!
trap 'kill $node 2>/dev/null; wait $node 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -sf "$channels/esb/ping" >/dev/null && break; sleep 0.5; done
broker=$(pgrep -f 'beam.smp.*rabbit' | head -n 1)

# Check both answers before timing anything.
[ "$(curl -s "$channels/esb/ping" | grep -c '"pong":"esb"')" = 1 ] || { echo "ping gave a wrong answer" >&2; exit 1; }
answer=$(curl -s -u admin:bench -d 'name=Mike' "$admin/admin/services/demo.hello/invoke")
[ "$answer" = '{"greeting":"Howdy Mike!"}' ] || { echo "invoke gave a wrong answer: $answer" >&2; exit 1; }

cat > "$work/invoke.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "name=Mike"
wrk.headers["Authorization"] = "Basic YWRtaW46YmVuY2g="
wrk.headers["Content-Type"] = "text/plain"
LUA

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
hz=$(getconf CLK_TCK)

# run NAME URL [wrk args…] → appends "name rps p50 p99 cpu_us_per_request" to results
run() {
  local name=$1 url=$2; shift 2
  local n0 b0 n1 b1 out rps p50 p99 requests cpu
  n0=$(ticks $node); b0=$(ticks "$broker")
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@" "$url")
  n1=$(ticks $node); b1=$(ticks "$broker")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/' <<<"$out")
  [ -z "$errors" ] || { echo "$name: errors during the run: $errors" >&2; exit 1; }
  cpu=$(awk -v t=$(( (n1 - n0) + (b1 - b0) )) -v hz="$hz" -v r="$requests" 'BEGIN { printf "%.0f", t / hz * 1e6 / r }')
  printf '  %-7s %10.0f req/s   p50 %6.2f ms   p99 %6.2f ms   CPU %5d µs/req (node+broker)\n' "$name" "$rps" "$p50" "$p99" "$cpu"
  echo "$name $rps $p50 $p99 $cpu" >> "$work/results"
}

echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "Load: wrk -t2 -c$connections -d${seconds}s, $rounds alternating rounds after a warm-up; node, broker and wrk share the machine."
wrk -t2 -c"$connections" -d3s "$channels/esb/ping" >/dev/null
wrk -t2 -c"$connections" -d3s -s "$work/invoke.lua" "$admin/admin/services/demo.hello/invoke" >/dev/null
for round in $(seq 1 "$rounds"); do
  echo "round $round"
  run ping "$channels/esb/ping"
  run invoke "$admin/admin/services/demo.hello/invoke" -s "$work/invoke.lua"
done

median() { awk -v n="$1" -v col="$2" '$1 == n {print $col}' "$work/results" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo
echo "Medians of $rounds rounds:"
printf '  %-7s %10s %10s %10s %14s\n' "" "req/s" "p50 ms" "p99 ms" "CPU µs/req"
for name in ping invoke; do
  printf '  %-7s %10.0f %10.2f %10.2f %14.0f\n' "$name" "$(median $name 2)" "$(median $name 3)" "$(median $name 4)" "$(median $name 5)"
done
awk -v a="$(median invoke 2)" -v b="$(median ping 2)" 'BEGIN { printf "invoke / ping throughput: %.1f %%\n", 100 * a / b }'

#!/usr/bin/env bash
# tutorial-bench.sh — the tutorial's flow (GET with an API key → GET CRM → POST Billing → merged JSON) done by:
#   integrations  a REST channel with its API key, the tutorial's service and two outgoing connections, set up
#                 through the admin API exactly as a user does, over RabbitMQ
#   inprocess     a minimal ASP.NET API doing the same three HTTP steps with a pooled HttpClient (the ceiling)
#   raw-rpc       an ASP.NET endpoint publishing the request with RabbitMQ.Client (transient, direct reply-to) to a
#                 queue, a consumer in the same process making the two calls and replying: what one broker hop
#                 costs, nothing else (the ceiling of any design through the broker)
#   masstransit   an ASP.NET endpoint with an IRequestClient and a consumer, MassTransit's defaults, over RabbitMQ
#   nodered       Node-RED 5 with the flow in tests/bench/node-red
# all calling one backend (the tutorial's CRM and Billing), one at a time, in alternating rounds. Every answer is
# checked first (exact JSON, 401 on a wrong key). Then per contender: requests/s and p50/p90/p99 at many
# connections (wrk), p50/p90/p99 at a paced light rate, CPU per request (the contender's processes plus RabbitMQ's),
# memory; medians of the rounds and the ratio to inprocess. Also the echo round trip (demo.hello through a REST
# channel against the same through raw RPC, naive MassTransit and in-process).
#   tests/bench/tutorial-bench.sh [--rounds N] [--seconds S] [--connections C] [--rate R] [--only a,b]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
rounds=3 seconds=10 connections=32 rate=200 only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2;;
    --seconds) seconds=$2; shift 2;;
    --connections) connections=$2; shift 2;;
    --rate) rate=$2; shift 2;;
    --only) only=$2; shift 2;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "tutorial-bench.sh: unknown argument $1 (see --help)" >&2; exit 2;;
  esac
done
say() { printf '%s\n' "$*" >&2; }

for tool in wrk jq; do command -v $tool >/dev/null || { say "installing $tool"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $tool >/dev/null; }; done
bash compose/local-services.sh start >/dev/null
say "building"
for project in cli/Esb tests/bench/Contenders; do
  if ! out=$(dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly 2>&1); then echo "$out" >&2; exit 1; fi
done
contenders_dll=tests/bench/Contenders/bin/Release/net10.0/Contenders.dll

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
wait_http() { for _ in $(seq 1 240); do curl -s -o /dev/null "$1" && return 0; sleep 0.25; done; say "no answer from $1"; exit 1; }

backend=http://127.0.0.1:18080
dotnet "$contenders_dll" backend "$backend" > "$work/backend.out" 2>&1 & pids+=($!)
wait_http "$backend/tutorial/api/get-user"

declare -A url pid
# Integrations: a node, configured through the admin API as in the tutorial.
channels=http://127.0.0.1:18110 admin=http://127.0.0.1:18183
ESB_ADMIN_PASSWORD=bench ESB_SCHEMA="bench_$(date +%s)" ESB_CHANNELS_URL=$channels ESB_ADMIN_URL=$admin ESB_NODE_NAME=bench \
  ESB_LOG_DIR=$work/logs ESB_DATA_DIR=$work/esb ESB_QUIET=true ESB_SECRET_KEY=$(head -c 32 /dev/urandom | base64) \
  dotnet cli/Esb/bin/Release/net10.0/esb.dll serve > "$work/node.out" 2>&1 & pid[integrations]=$!; pids+=($!)
wait_http "$channels/esb/ping"
admin_post() { curl -sf -u admin:bench -H 'Content-Type: application/json' -X POST "$admin$1" -d "$2" > /dev/null || { say "admin API refused $1 $2"; exit 1; }; }
admin_post /admin/outgoing/rest "{\"name\":\"CRM\",\"address\":\"$backend\",\"url_path\":\"/tutorial/api/get-user\",\"data_format\":\"json\"}"
admin_post /admin/outgoing/rest "{\"name\":\"Billing\",\"address\":\"$backend\",\"url_path\":\"/tutorial/api/balance/get\",\"data_format\":\"json\"}"
admin_post /admin/security '{"name":"My API Key","type":"apikey"}'
admin_post "/admin/security/My%20API%20Key/secret" '{"secret":"abc"}'
admin_post /admin/channels/rest '{"name":"My REST Channel","service":"tutorial.get-user-details","security":"My API Key","url_path":"/tutorial/api/get-user-details","data_format":"json"}'
admin_post /admin/channels/rest '{"name":"Echo","service":"demo.hello","url_path":"/hello"}'
url[integrations]=$channels

dotnet "$contenders_dll" inprocess http://127.0.0.1:18081 "$backend" > "$work/inprocess.out" 2>&1 & pid[inprocess]=$!; pids+=($!)
url[inprocess]=http://127.0.0.1:18081
dotnet "$contenders_dll" masstransit http://127.0.0.1:18082 "$backend" amqp://guest:guest@127.0.0.1:5672/ > "$work/masstransit.out" 2>&1 & pid[masstransit]=$!; pids+=($!)
url[masstransit]=http://127.0.0.1:18082
dotnet "$contenders_dll" raw-rpc http://127.0.0.1:18085 "$backend" amqp://guest:guest@127.0.0.1:5672/ > "$work/raw-rpc.out" 2>&1 & pid[raw-rpc]=$!; pids+=($!)
url[raw-rpc]=http://127.0.0.1:18085
names=(integrations raw-rpc inprocess masstransit)
echoes=(integrations raw-rpc inprocess masstransit)
if [ -x tests/bench/node-red/start.sh ]; then
  say "starting Node-RED (the first run installs it from npm)"
  setsid tests/bench/node-red/start.sh 18084 "$backend" > "$work/nodered.out" 2>&1 & pid[nodered]=$!; pids+=($!)
  url[nodered]=http://127.0.0.1:18084
  names+=(nodered)
fi
if [ -n "$only" ]; then
  IFS=, read -ra names <<<"$only"
  read -ra echoes <<<"$(for n in "${echoes[@]}"; do [[ " ${names[*]} " == *" $n "* ]] && printf '%s ' "$n"; done)"
fi
has() { for n in "${names[@]}"; do [ "$n" = "$1" ] && return 0; done; return 1; }
for name in "${names[@]}"; do wait_http "${url[$name]}${PATH_TUTORIAL:=/tutorial/api/get-user-details}"; done

# Check every answer before timing anything.
expected='{"user_type":"RGV","account_no":"123456","account_balance":"357.9"}'
for name in "${names[@]}"; do
  got=$(curl -s -H 'X-API-Key: abc' "${url[$name]}$PATH_TUTORIAL")
  [ "$(jq -cS . <<<"$got" 2>/dev/null)" = "$(jq -cS . <<<"$expected")" ] || { say "$name answered $got, not $expected"; exit 1; }
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-API-Key: abd' "${url[$name]}$PATH_TUTORIAL")
  [ "$code" = 401 ] || { say "$name answered $code to a wrong key, not 401"; exit 1; }
done
for name in "${echoes[@]}"; do
  got=$(curl -s "${url[$name]}/hello?name=Mike")
  [ "$(jq -c . <<<"$got")" = '{"greeting":"Howdy Mike!"}' ] || { say "$name echo answered $got"; exit 1; }
done
say "answers checked: exact JSON and 401 on a wrong key, from ${names[*]}"

broker=$(pgrep -f 'beam.smp.*rabbit' | head -n 1)
hz=$(getconf CLK_TCK)
tree() { local p=$1; echo "$p"; for c in $(pgrep -P "$p" || true); do tree "$c"; done; }
ticks() { local t=0; for p in $(tree "$1"); do t=$(( t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0) )); done; echo $t; }
rss_mib() { local k=0; for p in $(tree "$1"); do k=$(( k + $(awk '/VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0) )); done; echo $(( k / 1024 )); }
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
uses_broker() { [ "${1%-echo}" != inprocess ] && [ "${1%-echo}" != nodered ]; }

lua="$work/key.lua"; echo 'wrk.headers["X-API-Key"] = "abc"' > "$lua"
# load NAME URL PROCESS — one throughput run and one paced run; appends a line to the results
load() {
  local name=$1 target=$2 process=$3 t0 b0=0 t1 b1=0 out requests rps p50 p90 p99 cpu paced
  t0=$(ticks "$process"); uses_broker "$name" && b0=$(ticks "$broker")
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$lua" "$target")
  t1=$(ticks "$process"); uses_broker "$name" && b1=$(ticks "$broker")
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then say "$name: errors under load:"; grep -E 'Non-2xx|Socket errors' <<<"$out" >&2; exit 1; fi
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); requests=$(awk '/requests in/ {print $1}' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")"); p90=$(to_ms "$(awk '$1 == "90%" {print $2}' <<<"$out")"); p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  cpu=$(awk -v t=$(( (t1 - t0) + (b1 - b0) )) -v hz="$hz" -v r="$requests" 'BEGIN { printf "%.0f", t / hz * 1e6 / r }')
  paced=$(dotnet "$contenders_dll" load "$target" "$rate" "$seconds" "X-API-Key:abc")
  read -r q50 q90 q99 qerr <<<"$paced"
  [ "$qerr" = 0 ] || { say "$name: $qerr errors at the paced rate"; exit 1; }
  printf '  %-18s %8.0f req/s  p50 %6.2f  p90 %6.2f  p99 %6.2f ms | paced %d/s p50 %6.2f p90 %6.2f p99 %6.2f ms | CPU %5d µs/req | %4d MiB\n' \
    "$name" "$rps" "$p50" "$p90" "$p99" "$rate" "$q50" "$q90" "$q99" "$cpu" "$(rss_mib "$process")" >&2
  echo "$name $rps $p50 $p90 $p99 $q50 $q90 $q99 $cpu $(rss_mib "$process")" >> "$work/results"
}

say "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); RabbitMQ $(rabbitmqctl -q version 2>/dev/null || echo '?')"
say "load: wrk -t2 -c$connections -d${seconds}s, and $rate requests/s paced for ${seconds}s; $rounds rounds; everything on this machine"
say "warming up"
for name in "${names[@]}"; do wrk -t2 -c"$connections" -d5s -s "$lua" "${url[$name]}$PATH_TUTORIAL" > /dev/null; done
for name in "${echoes[@]}"; do wrk -t2 -c"$connections" -d3s "${url[$name]}/hello?name=Mike" > /dev/null; done
for round in $(seq 1 "$rounds"); do
  say "round $round"
  for name in "${names[@]}"; do load "$name" "${url[$name]}$PATH_TUTORIAL" "${pid[$name]}"; done
  for name in "${echoes[@]}"; do load "$name-echo" "${url[$name]}/hello?name=Mike" "${pid[$name]}"; done
done

median() { awk -v n="$1" -v col="$2" '$1 == n {print $col}' "$work/results" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo
echo "Medians of $rounds rounds ($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)):"
echo
echo "| contender | requests/s | p50 / p90 / p99 ms ($connections conn.) | p50 / p90 / p99 ms ($rate/s paced) | CPU µs/request | memory MiB | vs in-process | vs raw RPC |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for name in "${names[@]}" $(printf '%s-echo ' "${echoes[@]}"); do
  base=inprocess raw=raw-rpc; [[ $name == *-echo ]] && base=inprocess-echo raw=raw-rpc-echo
  printf '| %s | %.0f | %.2f / %.2f / %.2f | %.2f / %.2f / %.2f | %.0f | %.0f | %.1f %% | %.1f %% |\n' "$name" \
    "$(median "$name" 2)" "$(median "$name" 3)" "$(median "$name" 4)" "$(median "$name" 5)" \
    "$(median "$name" 6)" "$(median "$name" 7)" "$(median "$name" 8)" "$(median "$name" 9)" "$(median "$name" 10)" \
    "$(awk -v a="$(median "$name" 2)" -v b="$(median "$base" 2)" 'BEGIN {print 100 * a / b}')" \
    "$(awk -v a="$(median "$name" 2)" -v b="$(median "$raw" 2)" 'BEGIN {print 100 * a / b}')"
done
echo
if has integrations && has inprocess; then
  awk -v a="$(median integrations 2)" -v b="$(median inprocess 2)" 'BEGIN { printf "tutorial flow: integrations at %.1f %% of in-process requests/s (target 40 %%)\n", 100 * a / b }'
  awk -v a="$(median integrations 8)" -v b="$(median inprocess 8)" 'BEGIN { printf "paced p99: integrations %.2fx in-process (target at most 1.5x)\n", a / b }'
fi
if has integrations && has masstransit; then
  awk -v a="$(median integrations-echo 2)" -v b="$(median masstransit-echo 2)" 'BEGIN { printf "echo: integrations %.1fx naive MassTransit (target at least 4x)\n", a / b }'
fi
if has integrations && has raw-rpc; then
  for flow in "" -echo; do
    label=${flow:+echo}; label=${label:-tutorial flow}
    awk -v a="$(median integrations$flow 2)" -v b="$(median raw-rpc$flow 2)" -v l="$label" 'BEGIN { printf "%s: integrations at %.1f %% of raw RPC requests/s (target 85 %%)\n", l, 100 * a / b }'
    awk -v a="$(median integrations$flow 6)" -v b="$(median raw-rpc$flow 6)" -v c="$(median integrations$flow 8)" -v d="$(median raw-rpc$flow 8)" -v l="$label" \
      'BEGIN { printf "%s, paced: integrations p50 %.2fx and p99 %.2fx raw RPC (target at most 1.2x each)\n", l, a / b, c / d }'
  done
fi

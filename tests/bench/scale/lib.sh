# lib.sh — what the scale scripts share: building, a node of their own on ports of their own, the admin API, and
# measuring a process from outside. Sourced, never run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
say() { printf '%s\n' "$*" >&2; }
work=$(mktemp -d)
contenders="dotnet tests/bench/Contenders/bin/Release/net10.0/Contenders.dll"
admin=http://127.0.0.1:18583 channels=http://127.0.0.1:18510
node_pid="" schema=""
scale_build() {
  bash compose/local-services.sh start >/dev/null
  say "building"
  for project in cli/Esb/Esb.csproj tests/bench/Contenders/Contenders.csproj; do
    if ! out=$(dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly 2>&1); then echo "$out" >&2; exit 1; fi
  done
}
# node_start [SCHEMA] — starts a node (all roles) on a schema of its own, or on SCHEMA to start again on what a
# node before it stored; sets node_pid, and node_ready_s (seconds from start until GET /esb/ready answers 200)
# (node_env: VAR=value words added to its environment, e.g. node_env="DOTNET_GCgen0size=0x400000")
node_start() {
  schema=${1:-"bench_scale_$(date +%s%N)"}
  [ -f "$work/secret" ] || head -c 32 /dev/urandom | base64 > "$work/secret"
  local t0 t1
  # Another node on these ports would answer for this one, and take its admin calls.
  if curl -s -o /dev/null --max-time 2 "$channels/esb/ping" || curl -s -o /dev/null --max-time 2 "$admin/"; then
    say "something already answers on $channels or $admin (another scale script's node?); not starting"; exit 1
  fi
  t0=$(date +%s.%N)
  ESB_ADMIN_PASSWORD=bench ESB_SCHEMA=$schema ESB_CHANNELS_URL=$channels ESB_ADMIN_URL=$admin ESB_NODE_NAME=scale-bench \
    ESB_LOG_DIR=$work/logs ESB_DATA_DIR=$work/esb ESB_QUIET=true ESB_SECRET_KEY=$(cat "$work/secret") env ${node_env:-} \
    dotnet cli/Esb/bin/Release/net10.0/esb.dll serve >> "$work/node.out" 2>&1 &
  node_pid=$!
  for _ in $(seq 1 1200); do
    curl -sf "$channels/esb/ready" >/dev/null 2>&1 && break
    kill -0 "$node_pid" 2>/dev/null || { say "the node stopped:"; tail -20 "$work/node.out" >&2; exit 1; }
    sleep 0.05
  done
  t1=$(date +%s.%N)
  if command -v ss >/dev/null && ! ss -ltnpH "sport = :${channels##*:}" | grep -q "pid=$node_pid,"; then
    say "what answers on $channels is not the node started here"; exit 1
  fi
  node_ready_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
}
node_stop() {
  [ -n "$node_pid" ] || return 0
  kill "$node_pid" 2>/dev/null || true
  while kill -0 "$node_pid" 2>/dev/null; do sleep 0.1; done
  node_pid=""
}
drop_schema() {
  [ -n "$schema" ] && command -v psql >/dev/null &&
    PGPASSWORD=esb psql -q -h 127.0.0.1 -p 55432 -U esb -d esb -c "drop schema if exists $schema cascade" 2>/dev/null || true
}
# every node leaves its scheduler's queue of runs on the broker
drop_runs_queue() { curl -s -u guest:guest -X DELETE "http://127.0.0.1:15672/api/queues/%2F/esb.scheduler.runs.${1:-$schema}" >/dev/null || true; }
scale_cleanup() { node_stop; drop_schema; drop_runs_queue; rm -rf "$work"; }
trap scale_cleanup EXIT
# api METHOD PATH [JSON] — the admin API; the answer on stdout, a refusal ends the script
api() {
  curl -sf -u admin:bench -H 'Content-Type: application/json' -X "$1" "$admin$2" ${3:+-d "$3"} ||
    { say "admin API refused $1 $2 ${3:0:200}"; exit 1; }
}
# rss_mib PID — resident memory of the process, MiB
rss_mib() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
# settle — lets a node finish what it was doing (compilations, collections) before it is measured
settle() { sleep "${1:-5}"; }
# paced URL RATE SECONDS [Header:Value…] — p50 p90 p99 (ms) and errors, from the open-loop generator
paced() { $contenders load "$@"; }
machine() { echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"; }

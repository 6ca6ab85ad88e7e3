#!/usr/bin/env bash
# scheduler-jitter.sh — how punctually the scheduler fires: one node runs an interval job (every --interval
# seconds, --runs times) on tutorial.get-user-details' neighbour demo.hello, while, beside it in the same run, a
# .NET PeriodicTimer ticks at the same interval (the baseline: what the machine's timers give a process).
# Prints, in milliseconds, p50 / p99 / max of
#   fired:   when the scheduler sent the run (Quartz, clustered PostgreSQL store) minus when it was due,
#   started: when a worker started the service (after RabbitMQ) minus when it was due,
#   timer:   how late the baseline timer's ticks came,
# and the machine.
#   tests/bench/scheduler-jitter.sh [--runs N] [--interval SECONDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
runs=60 interval=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2;;
    --interval) interval=$2; shift 2;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "scheduler-jitter.sh: unknown argument $1 (see --help)" >&2; exit 2;;
  esac
done
say() { printf '%s\n' "$*" >&2; }

bash compose/local-services.sh start >/dev/null
say "building"
for project in cli/Esb/Esb.csproj tests/bench/Contenders/Contenders.csproj; do
  if ! out=$(dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly 2>&1); then echo "$out" >&2; exit 1; fi
done

work=$(mktemp -d)
schema="bench_sched_$(date +%s)"
channels=http://127.0.0.1:18210 admin=http://127.0.0.1:18283
ESB_ADMIN_PASSWORD=bench ESB_SCHEMA=$schema ESB_CHANNELS_URL=$channels ESB_ADMIN_URL=$admin ESB_NODE_NAME=jitter \
  ESB_LOG_DIR=$work/logs ESB_DATA_DIR=$work/esb ESB_QUIET=true ESB_SECRET_KEY=$(head -c 32 /dev/urandom | base64) \
  dotnet cli/Esb/bin/Release/net10.0/esb.dll serve > "$work/node.out" 2>&1 &
node=$!
cleanup() {
  kill $node 2>/dev/null; wait $node 2>/dev/null || true; rm -rf "$work"
  if command -v psql >/dev/null; then PGPASSWORD=esb psql -q -h 127.0.0.1 -p 55432 -U esb -d esb -c "drop schema if exists $schema cascade" 2>/dev/null || true; fi
}
trap cleanup EXIT
for _ in $(seq 1 240); do curl -sf "$channels/esb/ping" >/dev/null && break; sleep 0.25; done

say "running $runs runs, one every $interval s, beside a PeriodicTimer"
curl -sf -u admin:bench -H 'Content-Type: application/json' -X POST "$admin/admin/scheduler" \
  -d "{\"name\":\"jitter\",\"service\":\"demo.hello\",\"seconds\":$interval,\"repeats\":$runs,\"extra\":\"name=Jitter\"}" > /dev/null
dotnet tests/bench/Contenders/bin/Release/net10.0/Contenders.dll timer "$runs" "$interval" > "$work/timer.out"
sleep $((interval + 3))
curl -sf -u admin:bench "$admin/admin/scheduler/jitter/runs?limit=$runs" > "$work/runs.json"

python3 - "$work/runs.json" "$work/timer.out" "$runs" <<'PY'
import json, sys, datetime, statistics, platform, os
def t(s): return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
runs = json.load(open(sys.argv[1]))["runs"]
timer = [float(l.split()[1]) for l in open(sys.argv[2]) if l.startswith("late_ms")]
fired = sorted((t(r["fired"]) - t(r["due"])).total_seconds() * 1000 for r in runs)
started = sorted((t(r["started"]) - t(r["due"])).total_seconds() * 1000 for r in runs if r.get("started"))
ok = sum(1 for r in runs if r["outcome"] == "ok")
def q(xs, p): return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))] if xs else float("nan")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"machine: {os.cpu_count()} cores, {cpu}")
print(f"runs: {len(runs)} of {sys.argv[3]} recorded, {ok} ok")
print(f"{'':10} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
for name, xs in (("fired", fired), ("started", started), ("timer", sorted(timer))):
    print(f"{name:10} {q(xs, .5):8.1f} {q(xs, .99):8.1f} {max(xs) if xs else float('nan'):8.1f}")
PY

#!/usr/bin/env bash
# services.sh — how a node's cost grows with the services deployed to it, and what an idle node costs:
#   idle       RSS of a node that started and does nothing, and the seconds from its start until GET /esb/ready
#   deployed   N services deployed one at a time through the admin API (each its own source file and name): the
#              total time and each deployment's, the node's RSS after the first and after all (once the compiler
#              process stopped), so the memory per deployed idle service
#   latency    p50/p90/p99 of a call to the first service through a REST channel at a paced rate, with one service
#              deployed and with all N (the same node, the same channel)
#   tests/bench/scale/services.sh [--services N] [--rate R] [--seconds S]     (defaults 1000, 200/s, 10 s)
services=1000 rate=200 seconds=10
while [ $# -gt 0 ]; do
  case "$1" in
    --services) services=$2; shift 2;;
    --rate) rate=$2; shift 2;;
    --seconds) seconds=$2; shift 2;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "services.sh: unknown argument $1 (see --help)" >&2; exit 2;;
  esac
done
[ "$services" -ge 2 ] || { echo "services.sh: --services takes at least 2" >&2; exit 2; }
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
mgmt=http://127.0.0.1:15672/api/queues/%2F
drop_queues() {
  curl -s -u guest:guest "$mgmt?columns=name" | grep -o '"svc\.scale\.[^"]*"' | tr -d '"' |
    while read -r q; do curl -s -u guest:guest -X DELETE "$mgmt/$q" >/dev/null || true; done
}
trap 'scale_cleanup; drop_queues' EXIT

# source_of I — the I-th service's source, as the admin API's deployment body
deployment_of() {
  local n; n=$(printf '%04d' "$1")
  printf '{"files":[{"name":"Scale%s.cs","source":"[Service(\\"scale.s%s\\")]\\npublic sealed class Scale%s : Service<Scale%s.Input, Scale%s.Output>\\n{\\n    public sealed record Input(string? Name);\\n    public sealed record Output(string Text);\\n    protected override Task<Output> Handle(Input input, ServiceContext ctx) => Task.FromResult(new Output(\\"%s \\" + input.Name));\\n}\\n"}]}' \
    "$n" "$n" "$n" "$n" "$n" "$n"
}
# wait_compiler_gone — the compiler process a node starts for deployments stops 30 s after the last one
wait_compiler_gone() { for _ in $(seq 1 600); do pgrep -f Integrations.Compiler.dll >/dev/null || return 0; sleep 0.1; done; }

scale_build
pkill -f Integrations.Compiler.dll 2>/dev/null || true
node_start
say "node ready in ${node_ready_s} s"
settle 10
idle=$(rss_mib "$node_pid")
say "idle: ${idle} MiB"

t0=$(date +%s.%N)
api POST /admin/deployments "$(deployment_of 1)" >/dev/null
t1=$(date +%s.%N)
first_deploy=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
api POST /admin/channels/rest '{"name":"Scale","service":"scale.s0001","url_path":"/scale"}' >/dev/null
until curl -sf "$channels/scale?name=x" >/dev/null; do sleep 0.1; done
wait_compiler_gone; settle 5
one=$(rss_mib "$node_pid")
say "one service: ${one} MiB (first deployment ${first_deploy} s, compiler started for it)"
paced "$channels/scale?name=x" "$rate" 5 >/dev/null   # warm-up
read -r a50 a90 a99 aerr <<<"$(paced "$channels/scale?name=x" "$rate" "$seconds")"
say "one service: paced ${rate}/s p50 ${a50} p90 ${a90} p99 ${a99} ms, ${aerr} errors"

: > "$work/deploys"
t0=$(date +%s.%N)
for i in $(seq 2 "$services"); do
  s0=$(date +%s%N)
  api POST /admin/deployments "$(deployment_of "$i")" >/dev/null
  echo $(( ($(date +%s%N) - s0) / 1000000 )) >> "$work/deploys"
  if [ $((i % 100)) = 0 ]; then say "  $i deployed, $(rss_mib "$node_pid") MiB"; fi
done
t1=$(date +%s.%N)
total=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
last=$(printf 'scale.s%04d' "$services")
api POST "/admin/services/$last/invoke" 'name=x' >/dev/null
wait_compiler_gone; settle 10
all=$(rss_mib "$node_pid")
read -r b50 b90 b99 berr <<<"$(paced "$channels/scale?name=x" "$rate" "$seconds")"
[ "$aerr" = 0 ] && [ "$berr" = 0 ] || { say "errors at the paced rate: $aerr with one service, $berr with $services"; exit 1; }
q() { sort -n "$work/deploys" | awk -v p="$1" '{ a[NR] = $1 } END { i = int(NR * p / 100 + 0.5); if (i < 1) i = 1; print a[i] }'; }

machine
echo "node: ready ${node_ready_s} s after start (target at most 3 s); idle ${idle} MiB (target at most 150)"
echo "first deployment ${first_deploy} s (the compiler process starting); one service deployed: ${one} MiB"
echo "$services services deployed one at a time: ${total} s in all; each: p50 $(q 50) ms, p90 $(q 90) ms, p99 $(q 99) ms"
awk -v a="$one" -v b="$all" -v n="$services" 'BEGIN { printf "%d services: %.1f MiB, %.2f MiB per further deployed idle service (target at most 1)\n", n, b, (b - a) / (n - 1) }'
echo "call to one service through a REST channel, paced ${rate}/s for ${seconds} s (ms):"
echo "  with 1 service:          p50 $a50  p90 $a90  p99 $a99"
echo "  with $services services:  p50 $b50  p90 $b90  p99 $b99"
awk -v a="$a99" -v b="$b99" -v n="$services" 'BEGIN { printf "p99 with %d services: %.2fx with one (target within 1.10x)\n", n, b / a }'

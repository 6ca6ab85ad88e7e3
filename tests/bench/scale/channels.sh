#!/usr/bin/env bash
# channels.sh — routing cost as REST channels grow: p50/p90/p99 of a call through one REST channel (demo.hello) at
# a paced rate, on a node with that one channel, then with N channels (N-1 more, each its own path, half of them
# with a {placeholder}, created through the admin API), the same channel and the same node; and the time the
# channels took to create, and the node's RSS before and after.
#   tests/bench/scale/channels.sh [--channels N] [--rate R] [--seconds S]     (defaults 1000, 200/s, 10 s)
channels_wanted=1000 rate=200 seconds=10
while [ $# -gt 0 ]; do
  case "$1" in
    --channels) channels_wanted=$2; shift 2;;
    --rate) rate=$2; shift 2;;
    --seconds) seconds=$2; shift 2;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "channels.sh: unknown argument $1 (see --help)" >&2; exit 2;;
  esac
done
[ "$channels_wanted" -ge 2 ] || { echo "channels.sh: --channels takes at least 2" >&2; exit 2; }
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

scale_build
node_start
api POST /admin/channels/rest '{"name":"Scale 0001","service":"demo.hello","url_path":"/scale/0001/hello"}' >/dev/null
until curl -sf "$channels/scale/0001/hello?name=x" >/dev/null; do sleep 0.1; done
settle 3
before=$(rss_mib "$node_pid")
paced "$channels/scale/0001/hello?name=x" "$rate" 5 >/dev/null   # warm-up
read -r a50 a90 a99 aerr <<<"$(paced "$channels/scale/0001/hello?name=x" "$rate" "$seconds")"
say "one channel: paced ${rate}/s p50 ${a50} p90 ${a90} p99 ${a99} ms"

t0=$(date +%s.%N)
for i in $(seq 2 "$channels_wanted"); do
  n=$(printf '%04d' "$i")
  if [ $((i % 2)) = 0 ]; then path="/scale/$n/hello"; else path="/scale/$n/{name}/hello"; fi
  api POST /admin/channels/rest "{\"name\":\"Scale $n\",\"service\":\"demo.hello\",\"url_path\":\"$path\"}" >/dev/null
  if [ $((i % 200)) = 0 ]; then say "  $i channels"; fi
done
t1=$(date +%s.%N)
last=$(printf '%04d' "$channels_wanted")
if [ $((channels_wanted % 2)) = 0 ]; then last_path="/scale/$last/hello?name=x"; else last_path="/scale/$last/x/hello"; fi
until curl -sf "$channels$last_path" >/dev/null; do sleep 0.1; done
settle 3
after=$(rss_mib "$node_pid")
read -r b50 b90 b99 berr <<<"$(paced "$channels/scale/0001/hello?name=x" "$rate" "$seconds")"
read -r c50 c90 c99 cerr <<<"$(paced "$channels$last_path" "$rate" "$seconds")"
[ "$aerr$berr$cerr" = 000 ] || { say "errors at the paced rate: $aerr, $berr, $cerr"; exit 1; }

machine
awk -v n="$channels_wanted" -v a="$t0" -v b="$t1" 'BEGIN { printf "%d REST channels created one at a time through the admin API: %.1f s (%.1f ms each)\n", n, b - a, (b - a) * 1000 / (n - 1) }'
awk -v a="$before" -v b="$after" -v n="$channels_wanted" 'BEGIN { printf "node RSS: %.1f MiB with 1 channel, %.1f MiB with %d (%.1f KiB per channel)\n", a, b, n, (b - a) * 1024 / (n - 1) }'
echo "a call through the first channel (demo.hello), paced ${rate}/s for ${seconds} s (ms):"
echo "  with 1 channel:            p50 $a50  p90 $a90  p99 $a99"
echo "  with $channels_wanted channels:       p50 $b50  p90 $b90  p99 $b99"
echo "  the last channel created:  p50 $c50  p90 $c90  p99 $c99"
awk -v a="$a99" -v b="$b99" -v n="$channels_wanted" 'BEGIN { printf "routing p99 with %d channels: %.2fx with one (target within 1.10x)\n", n, b / a }'

#!/usr/bin/env bash
# config.sh — how a node copes with many configuration objects: a third each security definitions (apikey),
# outgoing REST connections and REST channels into demo.hello, each connection and channel with a definition of
# its own:
#   import     the N objects created in one POST /admin/environment (one JSON document): the time
#   export     GET /admin/environment with the N objects: the time and the size
#   re-import  that export imported on a new node with a fresh schema: the time
#   start      that node stopped and started again on its schema: the seconds until GET /esb/ready (against an
#              empty node's start), and its RSS with the N objects against an empty node's; then a REST channel
#              must answer (the first, with its key: 200; the last, without: 401) and the node must hold all N
#   tests/bench/scale/config.sh [--objects N]     (default 10000, at least 3)
objects=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --objects) objects=${2:-}; shift 2 || shift;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "config.sh: unknown argument $1 (see --help)" >&2; exit 2;;
  esac
done
if ! [[ $objects =~ ^[0-9]+$ ]] || [ "$objects" -lt 3 ]; then echo "config.sh: --objects takes a number of at least 3" >&2; exit 2; fi
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mgmt=http://127.0.0.1:15672/api/queues/%2F
first_schema=""
# Both schemas, and each node's queue of scheduled runs (one per schema, on the broker)
drop_both() {
  local s
  for s in "$first_schema" "$schema"; do
    [ -n "$s" ] || continue
    curl -s -u guest:guest -X DELETE "$mgmt/esb.scheduler.runs.$s" >/dev/null || true
  done
  [ -z "$first_schema" ] || { schema=$first_schema; drop_schema; }
}
trap 'scale_cleanup; drop_both' EXIT

# timed METHOD PATH OUT [BODY_FILE] — the admin API with the answer in OUT and its seconds in took; a refusal
# ends the script
timed() {
  local answer code
  answer=$(curl -s -u admin:bench -H 'Content-Type: application/json' -X "$1" "$admin$2" ${4:+--data-binary "@$4"} \
    -o "$3" -w '%{http_code} %{time_total}') || { say "config.sh: the admin API did not answer $1 $2"; exit 1; }
  read -r code took <<<"$answer"
  took=$(awk -v t="$took" 'BEGIN { printf "%.3f", t }')
  [ "$code" = 200 ] || { say "config.sh: admin API refused $1 $2 ($code): $(head -c 600 "$3")"; exit 1; }
}
# named FILE — how many of this script's objects FILE names
named() { grep -oE "\"name\": ?\"scale-" "$1" | wc -l; }
# created FILE — how many objects an import's answer says it created
created() { grep -oE "'scale-[cos]-[0-9]+'" "$1" | wc -l; }
kib() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.0f", b / 1024 }'; }

channels_n=$((objects / 3)) outgoing_n=$((objects / 3))
security_n=$((objects - channels_n - outgoing_n))
awk -v s="$security_n" -v o="$outgoing_n" -v c="$channels_n" 'BEGIN {
  printf "{\"security\":["
  for (i = 1; i <= s; i++) printf "%s{\"name\":\"scale-s-%05d\",\"type\":\"apikey\"}", (i > 1 ? "," : ""), i
  printf "],\"outgoing_rest\":["
  for (i = 1; i <= o; i++) printf "%s{\"name\":\"scale-o-%05d\",\"address\":\"http://127.0.0.1:9\",\"url_path\":\"/items/{id}\",\"security\":\"scale-s-%05d\"}", (i > 1 ? "," : ""), i, i
  printf "],\"channel_rest\":["
  for (i = 1; i <= c; i++) printf "%s{\"name\":\"scale-c-%05d\",\"service\":\"demo.hello\",\"url_path\":\"/scale/c%05d\",\"method\":\"GET\",\"security\":\"scale-s-%05d\"}", (i > 1 ? "," : ""), i, i, i
  printf "]}\n"
}' > "$work/objects.json"
first=$(printf 'scale-c-%05d' 1) last=$(printf 'scale-c-%05d' "$channels_n")
key=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')

scale_build
node_start
first_schema=$schema empty_ready=$node_ready_s
say "empty node ready in ${empty_ready} s"
settle 5
empty_rss=$(rss_mib "$node_pid")
say "empty node: ${empty_rss} MiB"

say "importing $objects objects"
timed POST /admin/environment "$work/import.json" "$work/objects.json"
import_s=$took
[ "$(created "$work/import.json")" = "$objects" ] || { say "config.sh: the import created $(created "$work/import.json") objects, not $objects"; exit 1; }
say "imported $objects objects in ${import_s} s"
timed GET /admin/environment "$work/export.json"
export_s=$took
[ "$(named "$work/export.json")" = "$objects" ] || { say "config.sh: the export has $(named "$work/export.json") of the $objects objects"; exit 1; }
say "exported in ${export_s} s, $(kib "$work/export.json") KiB"
node_stop

node_start
say "new node on a fresh schema ready in ${node_ready_s} s"
timed POST /admin/environment "$work/reimport.json" "$work/export.json"
reimport_s=$took
[ "$(created "$work/reimport.json")" = "$objects" ] || { say "config.sh: the re-import created $(created "$work/reimport.json") objects, not $objects"; exit 1; }
say "re-imported the export in ${reimport_s} s"
api POST "/admin/security/scale-s-00001/secret" "{\"secret\":\"$key\"}" >/dev/null
node_stop

node_start "$schema"
say "restarted with $objects objects: ready in ${node_ready_s} s"
settle 5
full_rss=$(rss_mib "$node_pid")
timed GET /admin/environment "$work/after.json"
[ "$(named "$work/after.json")" = "$objects" ] || { say "config.sh: after the restart the node holds $(named "$work/after.json") of the $objects objects"; exit 1; }
answer=$(curl -s -o "$work/call.json" -w '%{http_code}' -H "X-API-Key: $key" "$channels/scale/c00001?name=check") || true
if [ "$answer" != 200 ] || ! grep -q 'Howdy check!' "$work/call.json"; then
  say "config.sh: channel_rest '$first' after the restart answered $answer: $(head -c 300 "$work/call.json")"; exit 1
fi
unkeyed=$(curl -s -o "$work/refused.json" -w '%{http_code}' "$channels/scale/c$(printf '%05d' "$channels_n")?name=check") || true
[ "$unkeyed" = 401 ] || { say "config.sh: channel_rest '$last' without its key answered $unkeyed, not 401: $(head -c 300 "$work/refused.json")"; exit 1; }

machine
echo "objects: $objects ($security_n security definitions (apikey), $outgoing_n outgoing_rest, $channels_n channel_rest into demo.hello; each connection and channel with a definition of its own)"
echo "import: $objects objects in one POST /admin/environment ($(kib "$work/objects.json") KiB of JSON): ${import_s} s"
echo "export: GET /admin/environment: ${export_s} s, $(kib "$work/export.json") KiB"
echo "re-import: the export on a new node with a fresh schema: ${reimport_s} s"
echo "node start: ${empty_ready} s empty; ${node_ready_s} s with the $objects objects stored (target at most 5 s)"
awk -v a="$empty_rss" -v b="$full_rss" -v n="$objects" \
  'BEGIN { printf "node RSS: %.1f MiB empty, %.1f MiB with %d objects: %.2f KiB per object\n", a, b, n, (b - a) * 1024 / n }'
echo "after the restart: the node holds all $objects; channel_rest '$first' with its key: 200 $(head -c 100 "$work/call.json"); '$last' without a key: 401"
awk -v n="$objects" -v i="$import_s" -v e="$export_s" -v k="$(kib "$work/export.json")" -v r="$reimport_s" -v s="$node_ready_s" -v a="$empty_rss" -v b="$full_rss" \
  'BEGIN { printf "summary: %d configuration objects: import %.2f s, export %.2f s (%d KiB), re-import %.2f s, node start with them %.2f s (target at most 5), %.2f KiB of RSS per object\n", n, i, e, k, r, s, (b - a) * 1024 / n }'

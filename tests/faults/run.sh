#!/usr/bin/env bash
# tests/faults/run.sh — the fault suite at full size: every scenario of tests/Integrations.Tests.Integration/Faults,
# each with its own RabbitMQ (stopped, killed -9) and nodes (killed -9), 10,000 messages each, then a table of what
# was sent, processed, duplicated, dead-lettered, still queued and lost, and how long each flow took to move again.
# ./test.sh runs the same scenarios with 200 messages.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

usage() {
  cat <<'USAGE'
usage: tests/faults/run.sh [--messages N] [--filter TEXT]
  --messages N   messages per scenario (default 10000; ./test.sh uses 200)
  --filter TEXT  only the scenarios whose test name contains TEXT (e.g. amqp_channel, mq_channel, pubsub, durable,
                 node_dies, scheduled_run, rabbitmq_cluster, broker_is_away, database_is_away)
Needs root (the private brokers and databases run as the rabbitmq and postgres users), the .NET 10 SDK,
and RabbitMQ and PostgreSQL from Debian (compose/local-services.sh starts the shared ones).
USAGE
}

messages=10000
filter=""
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) messages=$2; shift 2 ;;
    --filter) filter=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "tests/faults/run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

bash compose/local-services.sh start >/dev/null
echo "== building (Release)"
dotnet build Integrations.sln -c Release -nologo -v quiet -clp:ErrorsOnly

report=$(mktemp)
log=$(mktemp)
started=$(date +%s)
echo "== running the fault scenarios with $messages messages each (the log: $log)"
status=0
ESB_FAULTS_MESSAGES=$messages ESB_FAULTS_REPORT=$report \
  dotnet test tests/Integrations.Tests.Integration -c Release --no-build -nologo \
    --filter "FullyQualifiedName~Integrations.Tests.Integration.Faults${filter:+&FullyQualifiedName~$filter}" \
    --logger "console;verbosity=normal" >"$log" 2>&1 || status=1
grep -E "^\s+(Passed|Failed) |Error Message" -A1 "$log" | grep -vE "^--$" | sed 's/^/  /' | head -60 || true

echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); RabbitMQ $(dpkg-query -W -f '${Version}' rabbitmq-server 2>/dev/null | cut -d- -f1), PostgreSQL $(dpkg-query -W -f '${Version}' postgresql-15 2>/dev/null | cut -d+ -f1); $(( $(date +%s) - started )) s"
echo
echo "| scenario | sent | processed | duplicated | dead-lettered | still queued | answered | lost | moving again after each fault |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
sort "$report" | awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s | **%s** | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9}'
lost=$(awk -F'\t' '{s += $8} END {print s + 0}' "$report")
echo
echo "lost: $lost"
[ "$lost" -eq 0 ] || status=1
exit $status

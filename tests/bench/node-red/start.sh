#!/usr/bin/env bash
# start.sh PORT BACKEND_URL — the Node-RED contender: installs Node-RED 5.0.7 and Node 22 (the `node` npm package)
# into this folder's node_modules when missing, then runs the flow in flows.json in the foreground on
# 127.0.0.1:PORT, calling the backend at BACKEND_URL. Prints one "ready" line once the endpoint answers;
# stops Node-RED on SIGINT/SIGTERM.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# -eq 2 ] || { echo "usage: $0 PORT BACKEND_URL" >&2; exit 2; }
port=$1 backend=${2%/}

node22=$here/node_modules/node/bin/node
if [ ! -x "$node22" ] || [ ! -f "$here/node_modules/node-red/red.js" ]; then
  if [ -f "$here/package-lock.json" ]; then how=ci; else how=install; fi
  echo "node-red: installing Node-RED and Node 22 into $here/node_modules (npm $how)..."
  t0=$SECONDS
  if ! out=$(cd "$here" && npm "$how" --no-audit --no-fund --loglevel=error 2>&1); then
    echo "$out" >&2; echo "node-red: npm $how failed" >&2; exit 1
  fi
  [ -x "$node22" ] || { echo "$out" >&2; echo "node-red: $node22 missing after npm $how" >&2; exit 1; }
  echo "node-red: installed in $((SECONDS - t0)) s (node $("$node22" -v))"
fi

export NODE_RED_PORT=$port BACKEND_URL=$backend
export no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}" NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
cd "$here"
"$node22" node_modules/node-red/red.js --settings "$here/settings.js" &
red=$!
trap 'kill -TERM $red 2>/dev/null || true' INT TERM
url=http://127.0.0.1:$port/tutorial/api/get-user-details
ready=
for _ in $(seq 1 240); do
  kill -0 $red 2>/dev/null || break
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$url" 2>/dev/null)" = 401 ]; then
    ready=1
    echo "node-red ready: $url (Node-RED $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' node_modules/node-red/package.json | head -n 1), node $("$node22" -v), backend $backend)"
    break
  fi
  sleep 0.25
done
[ -n "$ready" ] || ! kill -0 $red 2>/dev/null || echo "node-red: $url did not answer 401 within 60 s" >&2
status=0; wait $red || status=$?
# a signal interrupts the first wait: wait again for Node-RED to finish stopping
if kill -0 $red 2>/dev/null; then wait $red || status=$?; fi
exit $status

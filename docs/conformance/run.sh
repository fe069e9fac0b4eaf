#!/bin/bash
# Runs the ADL LRS conformance suite against a fresh `leerstroom lrs --no-relay` and writes its summary here.
# usage: docs/conformance/run.sh 2.0.0|1.0.3 SUITE_DIR
#   SUITE_DIR: a checkout of adlnet/lrs-conformance-test-suite outside this repository, after `npm install`.
# With LEERSTROOM_LRS_DATABASE=postgresql://… (an empty database) the LRS store is PostgreSQL, and the summary is
# written as summary-VERSION-postgresql.json.
set -euo pipefail
version=$1
suite=$(cd "$2" && pwd)
repo=$(cd "$(dirname "$0")/../.." && pwd)
python="$repo/.venv/bin/python"
data=$(mktemp -d)
port=$("$python" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
export LEERSTROOM_DATA_DIR=$data LEERSTROOM_LRS_PORT=$port
cd "$repo"
# Scope admin as well as all: the suite voids statements it has not stored (yet), which only admin may.
credential=$("$python" -m leerstroom.cli.main credentials add conformance --scope all --scope admin)
key=$(echo "$credential" | "$python" -c "import json, sys; print(json.load(sys.stdin)['key'])")
secret=$(echo "$credential" | "$python" -c "import json, sys; print(json.load(sys.stdin)['secret'])")
"$python" -m leerstroom.cli.main lrs --no-relay > "$data/lrs.log" 2>&1 &
lrs=$!
trap 'kill $lrs; rm -rf "$data"' EXIT
until curl -sf "http://127.0.0.1:$port/health" > /dev/null; do sleep 0.2; done
before=$(ls "$suite/logs" 2>/dev/null | wc -l)
(cd "$suite" && node bin/console_runner.js -e "http://127.0.0.1:$port/xapi" -a -u "$key" -p "$secret" -x "$version" -z) \
    > "$data/suite.out" 2>&1 || true
log=$(ls -t "$suite"/logs/*.log | head -1)
engine=${LEERSTROOM_LRS_DATABASE:+-postgresql}
"$python" "$repo/docs/conformance/summarize.py" "$log" > "$repo/docs/conformance/summary-$version$engine.json"
grep -o '{"total".*}' "$data/suite.out" | tail -1

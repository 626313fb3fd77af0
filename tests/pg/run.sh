#!/usr/bin/env bash
# tests/pg/run.sh CMD [ARG...]: a throwaway cluster (cluster.sh), CMD
# against it (TELTOP_TEST_PG names it, TELTOP_TEST_PG_DIR its directory for
# restarts), the cluster stopped and removed whatever happened.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -u /tmp/teltop-pg.XXXXXX)
trap '"$here/cluster.sh" stop "$dir"' EXIT
url=$("$here/cluster.sh" start "$dir")
TELTOP_TEST_PG=$url TELTOP_TEST_PG_DIR=$dir "$@"

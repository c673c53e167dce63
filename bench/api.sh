#!/usr/bin/env bash
# API load benchmark (BENCHMARKS.md): 100k generated jobs on SQLite and PostgreSQL,
# wrk with 32 connections against each endpoint, RSS of the server, and the axum
# ceiling (a pre-serialized page of 20 jobs, a tiny /health) measured in the same run.
#
#   bash bench/api.sh            # needs wrk (apt-get install wrk) and PostgreSQL on 127.0.0.1:5432
#   JOBS=10000 DURATION=5 bash bench/api.sh
#   SKIP_BUILD=1 SKIP_SEED=1 bash bench/api.sh   # reuse the binaries and the seeded databases
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-100000}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}
PG_BENCH=${PG_ADMIN%/*}/jobscout_bench
OUT=bench/out
PORT=8710
mkdir -p "$OUT"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
[ -n "${SKIP_BUILD:-}" ] || cargo build --release -p jobscout-host --bins
TARGET_DIR=${CARGO_TARGET_DIR:-target}
BIN=$TARGET_DIR/release/jobscout
BENCH=$TARGET_DIR/release/jobscout-bench

rss_mib() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }

wait_healthy() {
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$1/health" 2>/dev/null | grep -q healthy && return 0
    sleep 0.1
  done
  echo "server on port $1 never became healthy" >&2; return 1
}

# Runs wrk and prints "req/s p50 p99" (latencies in ms).
load() {
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$1" > "$OUT/wrk.txt"
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ { rps=$2 }
    $1=="50%" { p50=ms($2) }
    $1=="99%" { p99=ms($2) }
    /Non-2xx/ { errors=$NF }
    END { printf "%.0f %.2f %.2f %s\n", rps, p50, p99, (errors==""?0:errors) }' "$OUT/wrk.txt"
}

RESULTS="$OUT/results.tsv"
echo -e "engine\tcache\tendpoint\tfirst_ms\treq/s\tp50_ms\tp99_ms\tnon2xx\trss_mib" > "$RESULTS"

run_engine() {
  local engine=$1 url=$2 cache_ms=$3
  JOBSCOUT_DATABASE_URL=$url JOBSCOUT_JOBS_CACHE_TTL_MS=$cache_ms JOBSCOUT_LOG=warn \
    JOBSCOUT_PLUGINS_FILE=/nonexistent JOBSCOUT_DATABASE_MAX_CONNECTIONS=8 \
    "$BIN" serve --host 127.0.0.1 --port $PORT > "$OUT/server-$engine.log" 2>&1 &
  local pid=$!
  wait_healthy $PORT
  sleep 1
  local idle; idle=$(rss_mib $pid)
  echo -e "$engine\t$cache_ms\tidle\t-\t-\t-\t-\t-\t$idle" >> "$RESULTS"
  local job_id
  job_id=$(curl -fsS "http://127.0.0.1:$PORT/api/v1/jobs?page_size=1&page=777" | sed -E 's/.*"job_id":"([0-9a-f]+)".*/\1/')
  curl -fsS "http://127.0.0.1:$PORT/api/v1/jobs?page_size=20" > "$OUT/page.json"
  for endpoint in "/api/v1/jobs?page_size=20" "/api/v1/jobs?q=engineer" \
                  "/api/v1/jobs?remote=remote&sort=posted_at&page=50" "/api/v1/jobs/$job_id" \
                  "/api/v1/admin/stats" "/health"; do
    # One request first, timed on its own: the cold miss (a query the cache has not
    # seen yet) is reported apart from the steady state that wrk measures.
    local first_ms
    first_ms=$(curl -fsS -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT$endpoint" | awk '{printf "%.1f", $1*1000}')
    read -r rps p50 p99 errors < <(load "http://127.0.0.1:$PORT$endpoint")
    echo -e "$engine\t$cache_ms\t$endpoint\t$first_ms\t$rps\t$p50\t$p99\t$errors\t$(rss_mib $pid)" >> "$RESULTS"
  done
  kill -TERM $pid; wait $pid || true
}

if [ -n "${SKIP_SEED:-}" ]; then
  echo "== reusing the seeded databases of an earlier run (SKIP_SEED)"
else
  echo "== seeding $JOBS jobs (SQLite)"
  rm -f "$OUT"/bench.db*
  JOBSCOUT_DATABASE_URL="sqlite://$OUT/bench.db" "$BENCH" seed --jobs "$JOBS"
  echo "== seeding $JOBS jobs (PostgreSQL)"
  psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS jobscout_bench WITH (FORCE)" -c "CREATE DATABASE jobscout_bench"
  JOBSCOUT_DATABASE_URL="$PG_BENCH" "$BENCH" seed --jobs "$JOBS"
fi

for cache in 5000 0; do
  echo "== SQLite, cache ${cache} ms";     run_engine sqlite "sqlite://$OUT/bench.db" $cache
  echo "== PostgreSQL, cache ${cache} ms"; run_engine postgres "$PG_BENCH" $cache
done

echo "== ceiling: axum serving a pre-serialized page of 20 jobs ($(wc -c < "$OUT/page.json") bytes)"
"$BENCH" ceiling --port $((PORT + 1)) --body-file "$OUT/page.json" &
CEILING=$!
sleep 1
read -r rps p50 p99 errors < <(load "http://127.0.0.1:$((PORT + 1))/page")
echo -e "ceiling\t-\t/page (20 jobs)\t-\t$rps\t$p50\t$p99\t$errors\t$(rss_mib $CEILING)" >> "$RESULTS"
read -r rps p50 p99 errors < <(load "http://127.0.0.1:$((PORT + 1))/health")
echo -e "ceiling\t-\t/health\t-\t$rps\t$p50\t$p99\t$errors\t$(rss_mib $CEILING)" >> "$RESULTS"
kill $CEILING; wait $CEILING 2>/dev/null || true

column -t -s $'\t' "$RESULTS"

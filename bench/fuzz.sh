#!/usr/bin/env bash
# The fuzz gate: a bounded schemathesis pass over every route of /openapi.json, on
# SQLite and on PostgreSQL, signed in (an HS256 token for the server's local JWT
# verification; no Supabase) and, for the admin routes, with the admin token.
# Fails on any 5xx, dropped connection, undocumented status or content type,
# response that violates its schema, or a panic in the server's log.
#
#   bench/fuzz.sh                       # both engines
#   FUZZ_ENGINES=sqlite bench/fuzz.sh   # one engine
#
# Settings (environment):
#   JOBSCOUT_FUZZ_BIN      server binary (default target/debug/jobscout, built by `cargo test`)
#   FUZZ_ENGINES           "sqlite postgres" (default) or either
#   FUZZ_POSTGRES_URL      admin URL of the PostgreSQL server; a fresh database is
#                          created and dropped per run (default postgres://postgres@127.0.0.1:5432/postgres)
#   FUZZ_MAX_EXAMPLES      test cases per operation and phase (default 100)
#   FUZZ_SEED              fixed seed to replay a run (default: random, printed)
#   FUZZ_VENV              where schemathesis is installed (default target/fuzz-venv)
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
BIN=${JOBSCOUT_FUZZ_BIN:-target/debug/jobscout}
ENGINES=${FUZZ_ENGINES:-sqlite postgres}
POSTGRES_URL=${FUZZ_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-100}
SEED=${FUZZ_SEED:-$RANDOM$RANDOM}
VENV=${FUZZ_VENV:-target/fuzz-venv}

[[ -x $BIN ]] || { echo "fuzz: no server binary at $BIN (run cargo test or cargo build first)" >&2; exit 1; }
BIN=$(realpath "$BIN")
CONFIG=$(realpath bench/fuzz.toml)

if ! "$VENV/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  echo "== fuzz: installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi
ST=$(realpath "$VENV/bin/st")
PYTHON=$(realpath "$VENV/bin/python")

WORK=$(mktemp -d)
SERVER_PID=
PG_DATABASE=
cleanup() {
  if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [[ -n $PG_DATABASE ]]; then psql "$POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $PG_DATABASE WITH (FORCE)" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

JWT_SECRET=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')
ADMIN_TOKEN=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(24))')
# A Supabase-shaped access token for a fixed user, valid for an hour.
USER_TOKEN=$("$PYTHON" - "$JWT_SECRET" <<'EOF'
import base64, hashlib, hmac, json, sys, time
def b64(data): return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
now = int(time.time())
header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
claims = b64(json.dumps({"sub": "00000000-0000-4000-8000-00000000f022", "email": "fuzz@example.com",
                         "aud": "authenticated", "role": "authenticated", "iat": now, "exp": now + 3600}).encode())
signature = hmac.new(sys.argv[1].encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
print(f"{header}.{claims}.{b64(signature)}")
EOF
)

free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Runs schemathesis on the operations matching $3 (a path regex) with header $2.
# The four checks judge the server against its schema. The others stay off on
# purpose: negative_data_rejection and positive_data_acceptance would fail the
# earlier backend's deliberate leniency (unknown query parameters are ignored,
# feedback kinds are trimmed and case-blind) and the 400s no schema can express
# ("no fields to update"); the auth checks are auth_matrix.rs's job.
schemathesis() {
  local label=$1 authorization=$2 paths=$3
  echo "== fuzz: $label (seed $SEED, $MAX_EXAMPLES examples per operation)"
  (cd "$WORK" && "$ST" --config-file "$CONFIG" run "$BASE_URL/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --header "Authorization: Bearer $authorization" \
    --include-path-regex "$paths" \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --generation-database none \
    --request-timeout 20 \
    --workers 2 \
    --no-color)
}

run_engine() {
  local engine=$1 port log
  port=$(free_port)
  log="$WORK/server-$engine.log"
  local -a database=()
  case $engine in
    sqlite) database=(JOBSCOUT_SQLITE_PATH="$WORK/fuzz.db") ;;
    postgres)
      PG_DATABASE=jobscout_fuzz_$$
      psql "$POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $PG_DATABASE WITH (FORCE)" >/dev/null
      psql "$POSTGRES_URL" -qc "CREATE DATABASE $PG_DATABASE" >/dev/null
      database=(JOBSCOUT_DATABASE_URL="${POSTGRES_URL%/*}/$PG_DATABASE") ;;
    *) echo "fuzz: unknown engine $engine" >&2; return 1 ;;
  esac
  # A fresh database, no plugin (the plugins file does not exist), local JWT
  # verification only, no per-user rate limit (the run checks answers, not limits),
  # and the public scrape trigger on so its validation is reached (its runs find no
  # source and finish at once).
  (cd "$WORK" && exec env -u JOBSCOUT_DATABASE_URL "${database[@]}" \
    JOBSCOUT_HOST=127.0.0.1 JOBSCOUT_PORT="$port" \
    JOBSCOUT_PLUGINS_FILE="$WORK/no-plugins.toml" \
    JOBSCOUT_SUPABASE_JWT_SECRET="$JWT_SECRET" JOBSCOUT_ADMIN_TOKEN="$ADMIN_TOKEN" \
    JOBSCOUT_RATE_LIMIT_USER_PER_MINUTE=0 JOBSCOUT_RATE_LIMIT_JOB_CAPTURE_PER_HOUR=1000000 \
    JOBSCOUT_PUBLIC_SCRAPE_ENABLED=true \
    JOBSCOUT_LOG=warn \
    "$BIN" serve) >"$log" 2>&1 &
  SERVER_PID=$!
  BASE_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    if "$PYTHON" -c 'import json, sys, urllib.request
status = json.load(urllib.request.urlopen(sys.argv[1] + "/health", timeout=2))["status"]
sys.exit(status != "healthy")' "$BASE_URL" 2>/dev/null; then break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log" >&2; echo "fuzz: $engine server exited" >&2; return 1; }
    sleep 0.2
  done

  # Resources for the operations that take an id, created as the fuzz user, so
  # that those operations get past their 404 (bench/fuzz.toml names them).
  local ids
  ids=$("$PYTHON" - "$BASE_URL" "$USER_TOKEN" <<'PY'
import json, sys, urllib.request
base, token = sys.argv[1], sys.argv[2]
def post(path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request, timeout=10))
target = post("/api/v1/apply/job/import", {"title": "Fuzz engineer", "company": "JobScout",
    "apply_url": "https://example.com/apply", "description_text": "Rust, SQL and HTTP."})
search = post("/api/v1/saved-searches", {"query": "rust", "filters": {"remote": "remote"}})
resume = post("/api/v1/profile/resume/text", {"resume_text": "Fuzz Tester\nRust engineer, 5 years."})
application = post("/api/v1/apply/application", {"job_target_id": target["job_target_id"], "notes": "fuzz"})
print(target["job_target_id"], search["search_id"], resume["resume"]["resume_id"], application["application_id"])
PY
) || { cat "$log" >&2; echo "fuzz: could not create the $engine test resources" >&2; return 1; }
  read -r FUZZ_JOB_TARGET_ID FUZZ_SEARCH_ID FUZZ_RESUME_ID FUZZ_APPLICATION_ID <<<"$ids"
  export FUZZ_JOB_TARGET_ID FUZZ_SEARCH_ID FUZZ_RESUME_ID FUZZ_APPLICATION_ID

  local status=0
  # Admin routes with the admin token; everything else as a signed-in user (admin
  # routes then answer 403, which is documented too).
  schemathesis "$engine, admin routes" "$ADMIN_TOKEN" '^/api/v1/admin/(plugins|run)' || status=1
  schemathesis "$engine, every route as a user" "$USER_TOKEN" '.*' || status=1

  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "fuzz: the $engine server died" >&2; status=1
  fi
  if grep -q "panicked" "$log"; then
    echo "fuzz: the $engine server panicked:" >&2; grep -A3 "panicked" "$log" >&2; status=1
  fi
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
  if [[ -n $PG_DATABASE ]]; then
    psql "$POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $PG_DATABASE WITH (FORCE)" >/dev/null
    PG_DATABASE=
  fi
  return $status
}

failed=0
for engine in $ENGINES; do
  run_engine "$engine" || failed=1
done
if [[ $failed -ne 0 ]]; then
  echo "fuzz: FAILED (replay with FUZZ_SEED=$SEED)" >&2
  exit 1
fi
echo "fuzz: passed on $ENGINES"

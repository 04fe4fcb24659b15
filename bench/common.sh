# Shared by bench/fanout and bench/replicas (sourced, not run). bench/run keeps its own copy of these steps.
#
# Sets ROOT (the repository), OUT (bench/results), PGPORT, ADMIN (the bootstrap admin secret), JAVA_OPTS (the
# documented JVM settings, read from the top of bench/run unless given) and defines:
#   prepare               tools, PostgreSQL, the build (skipped with SKIP_BUILD=1) and a license
#   fresh_db <db>         drops and creates a database
#   start_service <log> <db> <port> <management port> [VAR=value …]   starts the packaged service; its pid in PID
#   wait_ready <port> [s] polls /ready until 200 (120 s at most unless given)
#   stop_all              stops every service start_service started (the scripts call it on EXIT)
#   sql <db> <query>      one query, unaligned output
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/bench/results
PGPORT=${PGPORT:-5432}
ADMIN='*:*.bench-admin-secret'
mkdir -p "$OUT"
if [ -z "${JAVA_OPTS:-}" ]; then
  # One source for the documented settings: the default in bench/run.
  JAVA_OPTS=$(sed -n 's/^JAVA_OPTS=\${JAVA_OPTS:-"\(.*\)"}$/\1/p' "$ROOT/bench/run")
  [ -n "$JAVA_OPTS" ] || { echo "could not read the default JAVA_OPTS from bench/run" >&2; exit 1; }
fi

need() { command -v "$1" >/dev/null 2>&1; }

prepare() {
  if ! need wrk || ! need psql || ! need jcmd; then
    echo "Installing wrk and the PostgreSQL client tools (Debian packages)…" >&2
    apt-get update -qq >/dev/null && apt-get install -y -qq wrk postgresql-client >/dev/null
  fi
  # PostgreSQL: the machine's cluster (Debian's postgresql package), started if needed (and left running, as bench/run
  # does: other benchmarks may be using it).
  if need pg_ctlcluster && ! pg_isready -q -h 127.0.0.1 -p "$PGPORT"; then
    local version
    version=$(ls /etc/postgresql | sort -n | tail -1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
  fi
  su postgres -c "psql -q -v ON_ERROR_STOP=1 -c \"alter role postgres password 'postgres'\"" >/dev/null
  export PGPASSWORD=postgres
  cd "$ROOT"
  if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f target/quarkus-app/quarkus-run.jar ]; then
    echo "Building…" >&2
    ./mvnw -B -q package -DskipTests -Dquarkus.package.jar.appcds.enabled=true >/dev/null
  fi
  # A license (signals are an enterprise feature), made the vendor's way with the issuer command.
  bin/license-issuer keygen --alg EDDSA --kid bench --out "$OUT/keys-edges" --force >/dev/null 2>&1
  LICENSE=$(bin/license-issuer sign --key "$OUT/keys-edges/bench.private.pem" --kid bench --alg EDDSA \
    --customer Bench --days 30)
}

fresh_db() {
  su postgres -c "psql -q -v ON_ERROR_STOP=1 -c 'drop database if exists $1 with (force)' -c 'create database $1'" \
    >/dev/null
}

sql() {
  psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$1" -tAc "$2"
}

STARTED=()
stop_all() {
  local pid
  for pid in "${STARTED[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${STARTED[@]}"; do wait "$pid" 2>/dev/null || true; done
  STARTED=()
}

# The packaged service from its own directory (so the AppCDS archive applies), with the bench's admin secret, the
# license, and the signal rate limit raised (SPEC §10). Extra VAR=value arguments go into its environment.
# Sets PID and adds it to STARTED (not run in a subshell, so that the script can wait for it).
start_service() {
  local log=$1 db=$2 port=$3 mport=$4
  shift 4
  env QUARKUS_HTTP_PORT="$port" QUARKUS_MANAGEMENT_PORT="$mport" \
    QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:$PGPORT/$db" \
    QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$PGPORT/$db" \
    QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=postgres \
    INIT_ADMIN_API_TOKENS="$ADMIN" INIT_ADMIN_PASSWORD=bench-admin-password \
    FLAGWARD_LICENSE_PUBLIC_KEYS="bench=$OUT/keys-edges/bench.public.pem" UNLEASH_LICENSE="$LICENSE" \
    FLAGWARD_SIGNALS_RATE_PER_SECOND=1000000 FLAGWARD_SIGNALS_BURST=1000000 \
    QUARKUS_LOG_LEVEL=WARN MALLOC_ARENA_MAX=2 "$@" \
    bash -c 'cd "$1" && shift && exec java "$@" -jar quarkus-run.jar' _ "$ROOT/target/quarkus-app" $JAVA_OPTS \
    >"$log" 2>&1 &
  PID=$!
  STARTED+=("$PID")
}

wait_ready() {
  local deadline=$((SECONDS + ${2:-120}))
  until curl -fs "http://127.0.0.1:$1/ready" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { echo "the service on port $1 did not become ready" >&2; return 1; }
    sleep 0.05
  done
}

json_field() {
  python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

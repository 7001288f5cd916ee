#!/usr/bin/env bash
# Runs every check the project has, on a fresh Debian machine or a developer's:
#
#   1. npm run typecheck
#   2. npm run lint (Biome)
#   3. npm run lint:layers (the import rules of ADR 0011)
#   4. vitest on PGlite (the embedded default)
#   5. vitest on a real PostgreSQL server (TEST_DATABASE_URL)
#
# For step 3 it starts a throwaway PostgreSQL cluster in a temporary directory
# (127.0.0.1 only, random free port, durability off for speed) and removes it on
# exit, whatever the outcome (failure, Ctrl-C, SIGTERM). If the PostgreSQL
# server binaries are missing they are installed with apt when running as root;
# otherwise the script prints the apt command to run and exits 1.
#
# If TEST_DATABASE_URL is already set, no local server is started and step 3
# uses that URL (a superuser URL to a throwaway server: tests CREATE DATABASE).
#
# Extra arguments are passed to both vitest runs, e.g.
#   npm run test:all -- tests/storage
set -euo pipefail

cd "$(dirname "$0")/.."

log() { printf '%s\n' "$*" >&2; }
die() { log "test-all: $*"; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }
now() { date +%s.%N; }
elapsed_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# --------------------------------------------------------------------------
# System packages (Debian): PostgreSQL, Dovecot, Chromium.
# --------------------------------------------------------------------------

# The Debian package that provides a command this script needs.
debian_package_for() {
  case "$1" in
    pg_ctl | initdb | postgres) echo postgresql ;;
    *) echo "$1" ;;
  esac
}

# Installs the given Debian packages that are not installed yet. As root this
# uses apt-get (running `apt-get update` if the install fails without it, e.g.
# on a fresh machine with empty package lists); otherwise it prints the command
# to run and exits 1.
ensure_debian_packages() {
  local pkg missing=()
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
      missing+=("$pkg")
    fi
  done
  [ "${#missing[@]}" -eq 0 ] && return 0

  if ! command -v apt-get >/dev/null 2>&1; then
    die "missing system packages: ${missing[*]} (no apt-get here: install them with your package manager)"
  fi
  if ! is_root; then
    log "test-all: missing system packages: ${missing[*]}. Install them with:"
    log ""
    log "  sudo apt-get install -y ${missing[*]}"
    log ""
    exit 1
  fi

  log "== installing ${missing[*]} with apt-get =="
  export DEBIAN_FRONTEND=noninteractive
  local install=(apt-get install -y --no-install-recommends "${missing[@]}")
  if ! "${install[@]}"; then
    log "test-all: apt-get install failed; running apt-get update and retrying"
    apt-get update
    "${install[@]}"
  fi
}

# Installs the packages for whichever of the given commands `$have_cmd` (a
# function name) reports missing.
ensure_commands() {
  local have_cmd="$1" cmd pkgs=()
  shift
  for cmd in "$@"; do
    if ! "$have_cmd" "$cmd"; then
      pkgs+=("$(debian_package_for "$cmd")")
    fi
  done
  [ "${#pkgs[@]}" -eq 0 ] && return 0
  # shellcheck disable=SC2046 # de-duplicate package names
  ensure_debian_packages $(printf '%s\n' "${pkgs[@]}" | sort -u)
}

# --------------------------------------------------------------------------
# PostgreSQL server binaries
# --------------------------------------------------------------------------

PG_BIN=""

# Sets PG_BIN to the directory holding pg_ctl, initdb and postgres: the highest
# version under /usr/lib/postgresql/*/bin (Debian), else wherever PATH has them.
find_pg_bin() {
  local dir
  PG_BIN=""
  while IFS= read -r dir; do
    if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then
      PG_BIN="$dir"
      return 0
    fi
  done < <(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -rV)
  local pg_ctl
  if pg_ctl="$(command -v pg_ctl 2>/dev/null)"; then
    dir="$(dirname "$(readlink -f "$pg_ctl")")"
    if [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then
      PG_BIN="$dir"
      return 0
    fi
  fi
  return 1
}

have_pg_binary() { find_pg_bin; }

# --------------------------------------------------------------------------
# Throwaway server lifecycle
# --------------------------------------------------------------------------

PG_TMP=""        # temporary directory: data/, socket, logs
PG_STARTED=0     # 1 once pg_ctl start succeeded
PG_START_FAILED=0
PG_PORT=""
PG_VERSION=""

declare -a STEP_NAMES=()
declare -A STEP_RESULT=()

# Runs a command as the cluster's owner: `postgres` when we are root
# (PostgreSQL refuses to run as root), else the current user.
as_pg_owner() {
  if is_root; then
    (cd "$PG_TMP" && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM HUP
  if [ -n "$PG_TMP" ] && [ -d "$PG_TMP" ]; then
    if [ "$PG_START_FAILED" -eq 1 ] && [ -f "$PG_TMP/server.log" ]; then
      log "---- tail of the PostgreSQL server log ----"
      tail -n 40 "$PG_TMP/server.log" >&2
      log "-------------------------------------------"
    fi
    if [ "$PG_STARTED" -eq 1 ] || [ -f "$PG_TMP/data/postmaster.pid" ]; then
      as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate -w stop >/dev/null 2>&1 \
        || log "test-all: pg_ctl stop failed (server already gone?)"
    fi
    rm -rf -- "$PG_TMP"
  fi

  if [ "${#STEP_NAMES[@]}" -gt 0 ]; then
    log ""
    log "== summary =="
    local name
    for name in "${STEP_NAMES[@]}"; do
      log "  ${STEP_RESULT[$name]}  $name"
    done
  fi
  print_totals "$rc"
  exit "$rc"
}
RESULTS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/ventanilla-results.XXXXXX")"
pglite_tests() {
  env -u TEST_DATABASE_URL npx vitest run --reporter=default --reporter=json --outputFile.json="$RESULTS_DIR/pglite.json" "$@"
}
postgres_tests() {
  TEST_DATABASE_URL="$PG_URL" npx vitest run --reporter=default --reporter=json --outputFile.json="$RESULTS_DIR/postgres.json" "$@"
}

# Adds up both runs into one closing line, "N passed, N failed", the line CI reads.
print_totals() {
  [ -n "${RESULTS_DIR:-}" ] && [ -d "$RESULTS_DIR" ] || return 0
  node -e '
    const fs = require("fs"), path = require("path");
    let passed = 0, failed = 0, skipped = 0;
    for (const f of fs.readdirSync(process.argv[1])) {
      const r = JSON.parse(fs.readFileSync(path.join(process.argv[1], f), "utf8"));
      passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
    }
    // A step that failed before any test ran (typecheck) still counts as a failure.
    if (failed === 0 && Number(process.argv[2]) !== 0) failed = 1;
    console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
  ' "$RESULTS_DIR" "${1:-0}" || true
  rm -rf -- "$RESULTS_DIR"
}

trap cleanup EXIT
# Turn signals into a normal exit so the EXIT trap cleans up.
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Prints a free TCP port on 127.0.0.1, tried at random in 20000-60000.
pick_free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40001))
    if node -e '
      const s = require("net").createServer();
      s.once("error", () => process.exit(1));
      s.listen({ port: Number(process.argv[1]), host: "127.0.0.1", exclusive: true },
        () => s.close(() => process.exit(0)));
    ' "$port" 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

make_pg_tmp() {
  local base="${TMPDIR:-/tmp}"
  # The postgres user must be able to reach the directory, and the unix socket
  # path (dir + "/.s.PGSQL.NNNNN") must stay under ~107 bytes.
  if [ ! -d "$base" ] || [ "${#base}" -gt 60 ] \
    || { is_root && ! runuser -u postgres -- test -x "$base" 2>/dev/null; }; then
    base=/tmp
  fi
  PG_TMP="$(mktemp -d "$base/ventanilla-pg.XXXXXX")"
  if is_root; then
    if ! id postgres >/dev/null 2>&1; then
      log "test-all: creating system user postgres"
      useradd -r -U -M -d /var/lib/postgresql postgres
    fi
    chown postgres: "$PG_TMP"
  fi
}

start_local_postgres() {
  local t0
  t0="$(now)"
  ensure_commands have_pg_binary pg_ctl initdb postgres
  find_pg_bin || die "PostgreSQL server binaries (pg_ctl, initdb, postgres) not found after install"
  PG_VERSION="$("$PG_BIN/postgres" -V | awk '{ print $3 }')"

  make_pg_tmp
  local data="$PG_TMP/data"

  local locale=C
  if locale -a 2>/dev/null | grep -Eqix 'c\.utf-?8'; then locale=C.UTF-8; fi
  local initdb=("$PG_BIN/initdb" -D "$data" --auth=trust -U postgres --encoding=UTF8 --no-sync)
  if ! as_pg_owner "${initdb[@]}" --locale="$locale" >"$PG_TMP/initdb.log" 2>&1; then
    if [ "$locale" = C ]; then
      cat "$PG_TMP/initdb.log" >&2
      die "initdb failed"
    fi
    log "test-all: initdb with --locale=$locale failed; retrying with --locale=C"
    rm -rf -- "$data"
    if ! as_pg_owner "${initdb[@]}" --locale=C >"$PG_TMP/initdb.log" 2>&1; then
      cat "$PG_TMP/initdb.log" >&2
      die "initdb failed"
    fi
  fi

  # Settings go in the config file so paths with spaces need no quoting.
  cat >>"$data/postgresql.conf" <<EOF

# --- test-all.sh: throwaway test server ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_TMP'
fsync = off
full_page_writes = off
synchronous_commit = off
max_connections = 200
EOF

  for _ in 1 2 3 4 5; do
    PG_PORT="$(pick_free_port)" || die "could not find a free TCP port"
    : >"$PG_TMP/server.log"
    if is_root; then chown postgres: "$PG_TMP/server.log"; fi
    if as_pg_owner "$PG_BIN/pg_ctl" -D "$data" -l "$PG_TMP/server.log" -o "-p $PG_PORT" -w -t 60 start >/dev/null; then
      PG_STARTED=1
      log "== PostgreSQL $PG_VERSION up on 127.0.0.1:$PG_PORT in $(elapsed_since "$t0")s ($PG_TMP) =="
      return 0
    fi
    # Lost the race for the port: try another one.
    if grep -q 'Address already in use' "$PG_TMP/server.log"; then
      continue
    fi
    break
  done
  PG_START_FAILED=1
  die "PostgreSQL server failed to start"
}

# Server version of an external TEST_DATABASE_URL, or "(unknown version)".
external_pg_version() {
  node -e '
    const { Client } = require("pg");
    const c = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    c.connect()
      .then(() => c.query("show server_version"))
      .then((r) => { console.log(r.rows[0].server_version.split(" ")[0]); return c.end(); })
      .catch(() => { console.log("(unknown version)"); process.exit(0); });
  ' 2>/dev/null || echo "(unknown version)"
}

# --------------------------------------------------------------------------
# Steps
# --------------------------------------------------------------------------

# run_step NAME CMD...: runs CMD, records the result for the summary, returns
# CMD's exit status.
run_step() {
  local name="$1" rc=0
  shift
  STEP_RESULT[$name]="ABORTED"
  "$@" || rc=$?
  if [ "$rc" -eq 0 ]; then STEP_RESULT[$name]="passed "; else STEP_RESULT[$name]="FAILED "; fi
  return "$rc"
}

STEP_TYPECHECK="typecheck"
STEP_LINT="lint (Biome)"
STEP_LAYERS="layering rules"
STEP_PGLITE="tests on PGlite"
STEP_PG="tests on PostgreSQL"
STEP_NAMES=("$STEP_TYPECHECK" "$STEP_LINT" "$STEP_LAYERS" "$STEP_PGLITE" "$STEP_PG")
for name in "${STEP_NAMES[@]}"; do STEP_RESULT[$name]="not run"; done


if [ -n "${TEST_DATABASE_URL:-}" ]; then
  log "test-all: TEST_DATABASE_URL is set: using that server, not starting a local one"
  PG_URL="$TEST_DATABASE_URL"
  PG_VERSION="$(TEST_DATABASE_URL="$PG_URL" external_pg_version)"
  PG_LABEL="PostgreSQL $PG_VERSION (TEST_DATABASE_URL from the environment)"
else
  start_local_postgres
  PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  PG_LABEL="PostgreSQL $PG_VERSION"
fi
STEP_PG="tests on $PG_LABEL"
STEP_NAMES[4]="$STEP_PG"
STEP_RESULT[$STEP_PG]="not run"

# Real servers the tests use: Dovecot IMAP for the email channel (tests/helpers/dovecot.ts);
# Debian's Chromium (never a downloaded browser) for the console's browser tests and WhatsApp
# Web's start-up test, with DejaVu fonts so screenshots are readable.
ensure_debian_packages dovecot-imapd chromium fonts-dejavu-core poppler-utils

log ""
log "== typecheck =="
run_step "$STEP_TYPECHECK" npm run typecheck

log ""
log "== lint (Biome, biome.json) =="
run_step "$STEP_LINT" npm run --silent lint

log ""
log "== layering rules (.dependency-cruiser.cjs) =="
run_step "$STEP_LAYERS" npm run --silent lint:layers

log ""
log "== tests on PGlite =="
run_step "$STEP_PGLITE" pglite_tests "$@"

log ""
log "== tests on $PG_LABEL =="
run_step "$STEP_PG" postgres_tests "$@"

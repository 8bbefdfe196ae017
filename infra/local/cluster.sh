#!/usr/bin/env bash
# A real Orleans.Kms cluster on one machine: a shared store (Azurite or a private PostgreSQL), anvil with the
# governance contracts, a cluster CA with one certificate per silo (openssl), N kms-silo processes with mutual TLS,
# initialised t-of-N through the kms CLI. Everything lives under one state directory (pids, logs, keys, store data).
#
#   infra/local/cluster.sh up     [--store azurite|postgres] [--silos 3..7|1] [--threshold t] [--base-port p]
#                                 [--state-dir dir] [--silo-dll path] [--kms-dll path]
#   infra/local/cluster.sh status [--state-dir dir]
#   infra/local/cluster.sh down   [--state-dir dir] [--purge]
#   infra/local/cluster.sh start-silo|stop-silo NAME [--state-dir dir]     (one silo, e.g. after kill -9)
#   infra/local/cluster.sh start-store|stop-store [--state-dir dir]        (the store, e.g. to test an outage)
#   infra/local/cluster.sh issue-cert NAME [--state-dir dir]               (a certificate from the cluster CA)
#
# The silos accept development attestation evidence signed by <state>/dev/dev-evidence.key
# (--insecure-dev-evidence-key): this cluster is for trying the KMS out and for fault tests, NOT for real keys.
# See docs/operations.md.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly repo
readonly anvil_key=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 # anvil's public dev account 0
readonly anvil_address=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
readonly azurite_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==" # Azurite's well-known key

state=${KMS_CLUSTER_STATE:-$repo/.local-cluster}
store=azurite
silos=3
threshold=2
base_port=7400
silo_dll=
kms_dll=
purge=false

die() { echo "cluster.sh: $*" >&2; exit 1; }
log() { echo "cluster.sh: $*" >&2; }

usage() { sed -n '5,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

command=${1:-}
[ -n "$command" ] || { usage; exit 2; }
shift
target=
if [[ "$command" == start-silo || "$command" == stop-silo ]]; then
  target=${1:-}
  [[ "$target" =~ ^silo-[1-7]$ ]] || die "$command needs a silo name (silo-1 … silo-7)"
  shift
elif [ "$command" = issue-cert ]; then
  target=${1:-}
  [[ "$target" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$ ]] || die "issue-cert needs a name (letters, digits, . _ -)"
  shift
fi

while [ $# -gt 0 ]; do
  case "$1" in
    --store) store=${2:?--store needs azurite or postgres}; shift 2 ;;
    --silos) silos=${2:?--silos needs a number}; shift 2 ;;
    --threshold) threshold=${2:?--threshold needs a number}; shift 2 ;;
    --base-port) base_port=${2:?--base-port needs a port}; shift 2 ;;
    --state-dir) state=${2:?--state-dir needs a directory}; shift 2 ;;
    --silo-dll) silo_dll=${2:?--silo-dll needs a path}; shift 2 ;;
    --kms-dll) kms_dll=${2:?--kms-dll needs a path}; shift 2 ;;
    --purge) purge=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

[[ "$store" == azurite || "$store" == postgres ]] || die "--store is azurite or postgres, not '$store'"
# 1 silo (1 of 1) is the baseline the cluster benchmark compares with; a cluster that survives a fault needs 3.
[[ "$silos" =~ ^[13-7]$ ]] || die "--silos is 3 to 7 (or 1 for a one-silo baseline), not '$silos'"
[ "$silos" = 1 ] && threshold=1
[[ "$threshold" =~ ^[1-7]$ ]] && [ "$threshold" -le "$silos" ] || die "--threshold is 1 to --silos, not '$threshold'"
[ "$threshold" -ge 2 ] || [ "$silos" = 1 ] || die "--threshold is at least 2 with several silos"
[[ "$base_port" =~ ^[0-9]+$ ]] && [ "$base_port" -ge 1024 ] && [ "$base_port" -le 65400 ] || die "--base-port is 1024 to 65400"
mkdir -p "$state"
state=$(cd "$state" && pwd)

# ---------------------------------------------------------------------------------------------------- processes
# Alive = exists and is not a zombie (a killed process nobody reaped yet is dead for our purposes).
pid_alive() {
  [ -f "$1" ] || return 1
  local pid; pid=$(cat "$1")
  kill -0 "$pid" 2>/dev/null || return 1
  [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" != Z ]
}

# Starts a detached process (own session, so the caller's Ctrl+C or exit does not reach it); records its pid.
spawn() {
  local pid_file=$1 log_file=$2; shift 2
  setsid "$@" >>"$log_file" 2>&1 </dev/null &
  echo $! >"$pid_file"
}

# SIGTERM, then SIGKILL after $2 seconds. A stopped (SIGSTOP) process is continued first: it cannot act otherwise.
stop_pid_file() {
  local pid_file=$1 grace=${2:-30} pid
  [ -f "$pid_file" ] || return 0
  pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -CONT "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq $((grace * 5))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid did not stop within ${grace} s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pid_file"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() {
  local port=$1 what=$2 limit=${3:-60}
  for _ in $(seq $((limit * 5))); do port_in_use "$port" && return 0; sleep 0.2; done
  die "$what did not listen on 127.0.0.1:$port within ${limit} s"
}

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# ---------------------------------------------------------------------------------------------------- layout
load_env() {
  [ -f "$state/cluster.env" ] || die "no cluster in $state (run up first)"
  # shellcheck disable=SC1091
  source "$state/cluster.env"
}

api_port() { echo $((base_port + ${1#silo-})); }

silo_names() { for i in $(seq 1 "$silos"); do echo "silo-$i"; done; }

find_tool() { # foundry binaries from infra/contracts/node_modules (npm install --prefix infra/contracts)
  local native="$repo/infra/contracts/node_modules/@foundry-rs/$1-linux-amd64/bin/$1"
  if [ -x "$native" ]; then echo "$native"; elif command -v "$1" >/dev/null; then command -v "$1"; else
    die "$1 not found: run npm install --prefix infra/contracts --no-audit --no-fund --no-save"; fi
}

pg_bin() {
  if [ -n "${KMS_PG_BIN:-}" ]; then echo "$KMS_PG_BIN"; return; fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$dir/initdb" ] || die "PostgreSQL not found under /usr/lib/postgresql/*/bin: apt-get install postgresql (or set KMS_PG_BIN)"
  echo "$dir"
}

# ---------------------------------------------------------------------------------------------------- store
start_store() {
  load_env
  if [ "$STORE" = azurite ]; then
    pid_alive "$state/azurite/pid" && return 0
    local azurite="$repo/infra/test-servers/node_modules/azurite/dist/src/azurite.js"
    [ -f "$azurite" ] || die "azurite not found: run npm ci --prefix infra/test-servers"
    mkdir -p "$state/azurite/data"
    spawn "$state/azurite/pid" "$state/azurite/azurite.log" node "$azurite" --location "$state/azurite/data" \
      --skipApiVersionCheck --loose --disableTelemetry --silent \
      --blobHost 127.0.0.1 --blobPort "$AZURITE_BLOB_PORT" --queueHost 127.0.0.1 --queuePort "$AZURITE_QUEUE_PORT" \
      --tableHost 127.0.0.1 --tablePort "$AZURITE_TABLE_PORT"
    wait_for_port "$AZURITE_BLOB_PORT" Azurite
    wait_for_port "$AZURITE_TABLE_PORT" Azurite
  else
    local bin; bin=$(pg_bin)
    if [ ! -f "$state/postgres/data/PG_VERSION" ]; then
      mkdir -p "$state/postgres"
      if [ "$(id -u)" = 0 ]; then
        # PostgreSQL refuses to run as root: its own user must reach its folder (traverse only; secrets stay 0700).
        chown postgres:postgres "$state/postgres"
        chmod o+x "$state"
      fi
      as_postgres "$bin/initdb" -D "$state/postgres/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$state/postgres/initdb.log"
    fi
    as_postgres "$bin/pg_ctl" -D "$state/postgres/data" status >/dev/null 2>&1 && return 0
    as_postgres "$bin/pg_ctl" -D "$state/postgres/data" -l "$state/postgres/server.log" -w -t 60 \
      -o "-p $POSTGRES_PORT -k $state/postgres -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
    "$bin/psql" -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='kms'" | grep -q 1 ||
      "$bin/createdb" -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres kms
  fi
}

stop_store() {
  load_env
  if [ "$STORE" = azurite ]; then
    stop_pid_file "$state/azurite/pid" 15
  elif [ -f "$state/postgres/data/PG_VERSION" ]; then
    as_postgres "$(pg_bin)/pg_ctl" -D "$state/postgres/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
}

store_connection_string() {
  if [ "$STORE" = azurite ]; then
    echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$azurite_key;BlobEndpoint=http://127.0.0.1:$AZURITE_BLOB_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$AZURITE_QUEUE_PORT/devstoreaccount1;TableEndpoint=http://127.0.0.1:$AZURITE_TABLE_PORT/devstoreaccount1;"
  else
    echo "Host=127.0.0.1;Port=$POSTGRES_PORT;Database=kms;Username=postgres;Pooling=true;Timeout=5;Command Timeout=10"
  fi
}

# ---------------------------------------------------------------------------------------------------- chain
start_chain() {
  load_env
  pid_alive "$state/anvil/pid" && return 0
  local anvil; anvil=$(find_tool anvil)
  mkdir -p "$state/anvil"
  # --state: the chain is dumped on exit and loaded on start, so deployed contracts survive down/up.
  spawn "$state/anvil/pid" "$state/anvil/anvil.log" "$anvil" --host 127.0.0.1 --port "$ANVIL_PORT" \
    --state "$state/anvil/state.json" --silent
  wait_for_port "$ANVIL_PORT" anvil
  if [ ! -f "$state/anvil/contracts.env" ]; then
    local out="$repo/infra/contracts/out" kms_address registry_address
    [ -f "$out/KmsGovernance.json" ] || die "contracts not built: run npm run --prefix infra/contracts build"
    kms_address=$(deploy "$out/KmsGovernance.json")
    registry_address=$(deploy "$out/AppRegistry.json")
    printf 'KMS_CONTRACT=%s\nAPP_REGISTRY=%s\n' "$kms_address" "$registry_address" >"$state/anvil/contracts.env"
    log "contracts: KmsGovernance $kms_address, AppRegistry $registry_address"
  fi
}

deploy() {
  local bytecode cast
  cast=$(find_tool cast)
  bytecode=$(jq -r '.bytecode' "$1")
  [[ "$bytecode" =~ ^(0x)?[0-9a-fA-F]+$ ]] || die "no bytecode in $1"
  "$cast" send --rpc-url "http://127.0.0.1:$ANVIL_PORT" --private-key "$anvil_key" --json --create "$bytecode" |
    jq -er '.contractAddress'
}

# ---------------------------------------------------------------------------------------------------- secrets
new_p256_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; chmod 600 "$1"; }

make_secrets() {
  local tls="$state/tls"
  mkdir -p "$tls" "$state/dev" "$state/secrets"
  chmod 700 "$state/secrets" "$state/dev" "$tls"
  if [ ! -f "$tls/cluster-ca.pem" ]; then
    new_p256_key "$tls/cluster-ca.key"
    openssl req -x509 -new -key "$tls/cluster-ca.key" -sha256 -days 30 -subj "/CN=Orleans.Kms local cluster CA" \
      -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -out "$tls/cluster-ca.pem" 2>/dev/null
  fi
  for name in $(silo_names) client; do
    [ -f "$tls/$name.pem" ] || issue_certificate "$name"
  done
  [ -f "$state/secrets/storage.key" ] || { openssl rand -out "$state/secrets/storage.key" 32; chmod 600 "$state/secrets/storage.key"; }
  [ -f "$state/dev/dev-admin.key" ] || new_p256_key "$state/dev/dev-admin.key"
  [ -f "$state/dev/dev-evidence.key" ] || new_p256_key "$state/dev/dev-evidence.key"
}

issue_certificate() {
  local name=$1 tls="$state/tls"
  new_p256_key "$tls/$name.key"
  openssl req -new -key "$tls/$name.key" -subj "/CN=$name" -out "$tls/$name.csr" 2>/dev/null
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=DNS:$name,IP:127.0.0.1" >"$tls/$name.ext"
  openssl x509 -req -in "$tls/$name.csr" -CA "$tls/cluster-ca.pem" -CAkey "$tls/cluster-ca.key" -CAcreateserial \
    -days 30 -sha256 -extfile "$tls/$name.ext" -out "$tls/$name.pem" 2>/dev/null
  rm -f "$tls/$name.csr" "$tls/$name.ext"
}

# ---------------------------------------------------------------------------------------------------- silos
start_silo() {
  local name=$1 i=${1#silo-} dir="$state/$1"
  load_env
  [ "$i" -le "$SILOS" ] || die "$name is not part of this cluster of $SILOS silos"
  pid_alive "$dir/pid" && { log "$name already runs (pid $(cat "$dir/pid"))"; return 0; }
  mkdir -p "$dir/data" "$dir/logs"
  local store_args
  if [ "$STORE" = azurite ]; then
    store_args=(--store AzureStorage)
    export KMS_Silo__Store__Azure__ConnectionString; KMS_Silo__Store__Azure__ConnectionString=$(store_connection_string)
  else
    store_args=(--store Postgres)
    export KMS_Silo__Store__Postgres__ConnectionString; KMS_Silo__Store__Postgres__ConnectionString=$(store_connection_string)
  fi
  # shellcheck disable=SC1091
  source "$state/anvil/contracts.env"
  # One folder per silo: logs/silo.log is everything the process wrote, across restarts.
  echo "=== $(date -u +%FT%TZ) start $name" >>"$dir/logs/silo.log"
  KMS_Silo__Grains__Governance__RpcUrl="http://127.0.0.1:$ANVIL_PORT" \
  KMS_Silo__Grains__Governance__OperatorAddress="$anvil_address" \
  KMS_Silo__Grains__Governance__KmsContract="$KMS_CONTRACT" \
  KMS_Silo__Grains__Governance__Confirmations=0 \
  KMS_Logging__LogLevel__Orleans=Warning \
  spawn "$dir/pid" "$dir/logs/silo.log" dotnet "$SILO_DLL" \
    --urls "http://127.0.0.1:$(api_port "$name")" --silo-port $((BASE_PORT + 20 + i)) --gateway-port $((BASE_PORT + 40 + i)) \
    --advertised-address 127.0.0.1 "${store_args[@]}" --cluster-id "$CLUSTER_ID" --silo-name "$name" \
    --data-dir "$dir/data" --storage-key-file "$state/secrets/storage.key" \
    --tls-cert "$state/tls/$name.pem" --tls-key "$state/tls/$name.key" --tls-ca "$state/tls/cluster-ca.pem" \
    --insecure-dev-evidence-key "$state/dev/dev-evidence.key" --shutdown-timeout 00:00:15
}

stop_silo() { stop_pid_file "$state/$1/pid" 20; }

wait_ready() {
  local name=$1 limit=${2:-180} url
  url="http://127.0.0.1:$(api_port "$name")/readyz"
  for _ in $(seq $((limit * 2))); do
    pid_alive "$state/$name/pid" || die "$name exited before it was ready; see $state/$name/logs/silo.log"
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url")" = 200 ] && return 0
    sleep 0.5
  done
  die "$name was not ready within ${limit} s; see $state/$name/logs/silo.log"
}

kms() { dotnet "$KMS_DLL" --url "$(urls)" "$@"; }

urls() { local list=(); for name in $(silo_names); do list+=("http://127.0.0.1:$(api_port "$name")"); done; (IFS=,; echo "${list[*]}"); }

initialise() {
  local status
  status=$(curl -s --max-time 5 "http://127.0.0.1:$(api_port silo-1)/v1/cluster" | jq -r '.state // empty')
  if [ "$status" != uninitialized ]; then
    log "cluster state: ${status:-unknown}; not initialising again"
    return 0
  fi
  local args=(cluster init --threshold "$THRESHOLD" --admin "dev-admin=$state/dev/dev-admin.key" --json)
  for name in $(silo_names); do args+=(--silo "$name"); done
  # Membership needs a moment to agree after the last silo turned ready: retry "unavailable" (exit code 3) briefly.
  for attempt in 1 2 3 4 5 6; do
    if kms "${args[@]}" >"$state/cluster-init.json"; then
      log "cluster initialised: $THRESHOLD of $SILOS (admin dev-admin, key $state/dev/dev-admin.key)"
      return 0
    fi
    [ "$attempt" -lt 6 ] && sleep 5
  done
  die "cluster init failed: $(cat "$state/cluster-init.json")"
}

# ---------------------------------------------------------------------------------------------------- commands
cmd_up() {
  if [ -f "$state/cluster.env" ]; then
    load_env
    log "resuming the cluster in $state ($STORE, $SILOS silos)"
  else
    for port in $(seq $((base_port + 1)) $((base_port + 65))); do
      port_in_use "$port" && die "port $port is in use: choose another --base-port"
    done
    resolve_binaries
    cat >"$state/cluster.env" <<EOF
STORE=$store
SILOS=$silos
THRESHOLD=$threshold
BASE_PORT=$base_port
CLUSTER_ID=local
SILO_DLL=$(printf '%q' "$silo_dll")
KMS_DLL=$(printf '%q' "$kms_dll")
ANVIL_PORT=$((base_port + 60))
AZURITE_BLOB_PORT=$((base_port + 61))
AZURITE_QUEUE_PORT=$((base_port + 62))
AZURITE_TABLE_PORT=$((base_port + 63))
POSTGRES_PORT=$((base_port + 64))
EOF
    load_env
  fi
  silos=$SILOS base_port=$BASE_PORT
  command -v openssl >/dev/null && command -v jq >/dev/null && command -v curl >/dev/null || die "needs openssl, jq and curl"
  make_secrets
  start_store
  start_chain
  for name in $(silo_names); do start_silo "$name"; done
  for name in $(silo_names); do wait_ready "$name"; done
  initialise
  log "up: $SILOS silos ready; API $(urls)"
  echo "export KMS_URL=$(urls)"
}

resolve_binaries() {
  if [ -z "$silo_dll" ]; then
    silo_dll="$state/bin/silo/kms-silo.dll"
    [ -f "$silo_dll" ] || { log "publishing kms-silo (Release) into $state/bin/silo"; dotnet publish "$repo/src/Silo" -c Release -o "$state/bin/silo" --nologo -v q >&2; }
  fi
  if [ -z "$kms_dll" ]; then
    kms_dll="$state/bin/cli/kms.dll"
    [ -f "$kms_dll" ] || { log "publishing kms (Release) into $state/bin/cli"; dotnet publish "$repo/src/Cli" -c Release -o "$state/bin/cli" --nologo -v q >&2; }
  fi
  [ -f "$silo_dll" ] && [ -f "$kms_dll" ] || die "kms-silo.dll or kms.dll not found"
  silo_dll=$(cd "$(dirname "$silo_dll")" && pwd)/$(basename "$silo_dll")
  kms_dll=$(cd "$(dirname "$kms_dll")" && pwd)/$(basename "$kms_dll")
}

cmd_status() {
  load_env
  silos=$SILOS base_port=$BASE_PORT
  local healthy=0 code
  printf '%-10s %-8s %-8s %s\n' component pid state detail
  for name in $(silo_names); do
    if pid_alive "$state/$name/pid"; then
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$(api_port "$name")/readyz" || true)
      printf '%-10s %-8s %-8s %s\n' "$name" "$(cat "$state/$name/pid")" "$([ "$code" = 200 ] && echo ready || echo "not-ready")" \
        "http://127.0.0.1:$(api_port "$name") (readyz $code)"
      [ "$code" = 200 ] || healthy=1
    else
      printf '%-10s %-8s %-8s %s\n' "$name" - stopped "$state/$name/logs/silo.log"; healthy=1
    fi
  done
  if pid_alive "$state/anvil/pid"; then printf '%-10s %-8s %-8s %s\n' anvil "$(cat "$state/anvil/pid")" running "http://127.0.0.1:$ANVIL_PORT"
  else printf '%-10s %-8s %-8s\n' anvil - stopped; healthy=1; fi
  if [ "$STORE" = azurite ]; then
    if pid_alive "$state/azurite/pid"; then printf '%-10s %-8s %-8s %s\n' azurite "$(cat "$state/azurite/pid")" running "blob :$AZURITE_BLOB_PORT table :$AZURITE_TABLE_PORT"
    else printf '%-10s %-8s %-8s\n' azurite - stopped; healthy=1; fi
  else
    if [ -f "$state/postgres/data/postmaster.pid" ] && kill -0 "$(head -n 1 "$state/postgres/data/postmaster.pid")" 2>/dev/null; then
      printf '%-10s %-8s %-8s %s\n' postgres "$(head -n 1 "$state/postgres/data/postmaster.pid")" running "127.0.0.1:$POSTGRES_PORT"
    else printf '%-10s %-8s %-8s\n' postgres - stopped; healthy=1; fi
  fi
  local cluster
  cluster=$(curl -s --max-time 5 "http://127.0.0.1:$(api_port silo-1)/v1/cluster" 2>/dev/null || true)
  for name in $(silo_names); do
    [ -n "$cluster" ] && echo "$cluster" | jq -e . >/dev/null 2>&1 && break
    cluster=$(curl -s --max-time 5 "http://127.0.0.1:$(api_port "$name")/v1/cluster" 2>/dev/null || true)
  done
  if echo "$cluster" | jq -e .state >/dev/null 2>&1; then
    echo "$cluster" | jq -r '"cluster: \(.state), \(.threshold // "?") of \((.committee // []) | length), epoch \(.epoch // "?")"'
  else
    echo "cluster: no silo answered"; healthy=1
  fi
  return $healthy
}

cmd_down() {
  [ -f "$state/cluster.env" ] || { log "nothing to stop in $state"; return 0; }
  load_env
  silos=$SILOS
  for name in $(silo_names); do stop_silo "$name" & done
  wait
  stop_pid_file "$state/anvil/pid" 10
  stop_store
  log "down: every process of $state stopped"
  if $purge; then rm -rf "$state"; log "purged $state"; fi
}

case "$command" in
  up) cmd_up ;;
  status) cmd_status ;;
  down) cmd_down ;;
  start-silo) load_env; silos=$SILOS base_port=$BASE_PORT; start_silo "$target"; wait_ready "$target" ;;
  stop-silo) load_env; stop_silo "$target" ;;
  start-store) start_store ;;
  stop-store) stop_store ;;
  issue-cert) load_env; issue_certificate "$target"; echo "$state/tls/$target.pem $state/tls/$target.key" ;;
  *) usage; exit 2 ;;
esac

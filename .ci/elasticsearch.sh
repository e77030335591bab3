#!/usr/bin/env bash
# Run a throw-away single-node Elasticsearch 8.x on 127.0.0.1 for tests and CI.
#
#   .ci/elasticsearch.sh start    fetch (cached), unpack (cached), start, wait for health
#   .ci/elasticsearch.sh stop     stop it and delete its data (idempotent)
#   .ci/elasticsearch.sh status   exit 0 and print the URL if it is up, exit 1 otherwise
#   .ci/elasticsearch.sh url      print the URL of the running node (e.g. http://127.0.0.1:9200)
#
# The distribution is the official test zip from Maven Central
# (org.elasticsearch.distribution.integ-test-zip:elasticsearch:<version>:zip), fetched with mvn
# into a cache that survives between runs. It has no bundled JDK (the system JDK 17 is used) and
# only the server plus the transport-netty4, apm, x-pack-core and x-pack-security modules: no
# painless, no reindex/_delete_by_query/_update_by_query, no analysis-common, no ingest-common.
# Prebuilt analyzers such as "whitespace", "standard", "keyword", "simple" are in the server, but
# the "whitespace" *tokenizer* (for custom analyzers) is not. There is no rest-root module either:
# GET / answers 405, so the Python client's ping() is False and info() raises; wait on
# /_cluster/health instead. Use the Python client of the same major (elasticsearch>=8.19,<9).
#
# `start` prints the URL on stdout (logs go to stderr), e.g.
#   ELASTICSEARCH_URL="$(.ci/elasticsearch.sh start)"; trap '.ci/elasticsearch.sh stop' EXIT
#
# Elasticsearch refuses to run as root: when run as root this script creates the system user
# $GOVSEARCH_ES_USER and starts the node as that user; otherwise it runs as the calling user.
#
# Environment (all optional):
#   GOVSEARCH_ES_VERSION    server version                       (default 8.19.21)
#   GOVSEARCH_ES_CACHE      cache for the zip and unpacked tree  (default /var/cache/govsearch/elasticsearch,
#                           or ~/.cache/govsearch/elasticsearch when not root)
#   GOVSEARCH_ES_JAVA_HOME  JDK to run it with                   (default: the system JDK 17)
#   GOVSEARCH_ES_PORT       preferred HTTP port; the next free one is used if busy (default 9200)
#   GOVSEARCH_ES_HEAP_OPTS  heap flags                           (default "-Xms512m -Xmx1g")
#   GOVSEARCH_ES_TIMEOUT    seconds to wait for yellow health    (default 120)
#   GOVSEARCH_ES_USER       user to run as when root             (default govsearch-es)
#   GOVSEARCH_ES_STATE      state folder (url, pid, run dir)     (default /tmp/govsearch-es-<hash of checkout>)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ES_VERSION="${GOVSEARCH_ES_VERSION:-8.19.21}"
ES_ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ES_VERSION}:zip"
if [[ $(id -u) -eq 0 ]]; then
    CACHE="${GOVSEARCH_ES_CACHE:-/var/cache/govsearch/elasticsearch}"
else
    CACHE="${GOVSEARCH_ES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/govsearch/elasticsearch}"
fi
ES_USER="${GOVSEARCH_ES_USER:-govsearch-es}"
PREFERRED_PORT="${GOVSEARCH_ES_PORT:-9200}"
HEAP_OPTS="${GOVSEARCH_ES_HEAP_OPTS:--Xms512m -Xmx1g}"
TIMEOUT="${GOVSEARCH_ES_TIMEOUT:-120}"
STATE="${GOVSEARCH_ES_STATE:-/tmp/govsearch-es-$(printf '%s' "$ROOT" | md5sum | cut -c1-8)}"

log() { printf '[elasticsearch.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- helpers

java_home() {
    if [[ -n "${GOVSEARCH_ES_JAVA_HOME:-}" ]]; then
        echo "$GOVSEARCH_ES_JAVA_HOME"; return
    fi
    local d
    for d in /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/temurin-17-*; do
        [[ -x "$d/bin/java" ]] && { echo "$d"; return; }
    done
    local j
    j="$(command -v java)" || die "no java found: install a JDK 17 or set GOVSEARCH_ES_JAVA_HOME"
    dirname "$(dirname "$(readlink -f "$j")")"
}

http_get() { # url -> body on stdout; non-zero if unreachable or non-2xx
    if command -v curl >/dev/null; then
        curl -fsS --max-time 10 "$1" 2>/dev/null
    else
        python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' "$1" 2>/dev/null
    fi
}

port_free() {
    python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
EOF
}

pick_port() {
    local p="$PREFERRED_PORT"
    for _ in $(seq 1 100); do
        if port_free "$p"; then echo "$p"; return; fi
        p=$((p + 1))
    done
    die "no free port in ${PREFERRED_PORT}..$((PREFERRED_PORT + 99))"
}

pid_alive() { # pid is running and is an Elasticsearch JVM
    [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null || return 1
    local cmdline
    cmdline="$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline")" || return 1
    [[ "$cmdline" == *org.elasticsearch* ]]
}

proc_running() { # pid still has live threads (a zombie leader whose threads all exited does not count)
    [[ -n "${1:-}" && -d "/proc/$1" ]] || return 1
    local state ntasks
    state="$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)" || return 1
    ntasks="$(find "/proc/$1/task" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
    [[ "$state" != Z || "$ntasks" -gt 1 ]]
}

run_pids() { # Elasticsearch JVMs started for run dir $1 (their java.io.tmpdir is inside it)
    local d cmdline
    for d in /proc/[0-9]*; do
        cmdline="$(tr '\0' ' ' 2>/dev/null <"$d/cmdline")" || continue
        [[ "$cmdline" == *"-Djava.io.tmpdir=$1/tmp"* && "$cmdline" == *org.elasticsearch* ]] &&
            echo "${d#/proc/}"
    done
    return 0
}

current_pid() { cat "$STATE/pid" 2>/dev/null || true; }
current_url() { cat "$STATE/url" 2>/dev/null || true; }

as_es_user() { # run a command as the unprivileged user (or as ourselves when not root)
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u "$ES_USER" -- "$@"
    else
        "$@"
    fi
}

ensure_user() {
    [[ $(id -u) -eq 0 ]] || return 0
    if ! id -u "$ES_USER" >/dev/null 2>&1; then
        log "creating system user $ES_USER"
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
            --user-group "$ES_USER"
    fi
}

# ---------------------------------------------------------------- fetch and unpack

fetch_zip() {
    local zip="$CACHE/elasticsearch-$ES_VERSION.zip"
    if [[ -s "$zip" ]] && unzip -qql "$zip" >/dev/null 2>&1; then
        echo "$zip"; return
    fi
    command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
    mkdir -p "$CACHE"
    local tmp
    tmp="$(mktemp -d "$CACHE/.fetch.XXXXXX")"
    log "fetching $ES_ARTIFACT with mvn into $CACHE"
    if ! (cd "$tmp" && mvn -q -B dependency:copy -Dartifact="$ES_ARTIFACT" \
            -DoutputDirectory="$tmp" -Dmdep.overWriteReleases=true >&2); then
        rm -rf "$tmp"
        die "mvn could not fetch $ES_ARTIFACT"
    fi
    mv -f "$tmp/elasticsearch-$ES_VERSION.zip" "$zip"
    rm -rf "$tmp"
    echo "$zip"
}

# Unpacked once into the cache and made world-readable: the zip ships config/jvm.options.d as
# 0750 root, which the unprivileged user cannot read.
unpack() {
    local zip="$1" home="$CACHE/elasticsearch-$ES_VERSION"
    if [[ -f "$home/.unpacked" ]]; then echo "$home"; return; fi
    local tmp
    tmp="$(mktemp -d "$CACHE/.unpack.XXXXXX")"
    log "unpacking $(basename "$zip")"
    unzip -q "$zip" -d "$tmp"
    chmod -R a+rX "$tmp"
    touch "$tmp/elasticsearch-$ES_VERSION/.unpacked"
    if [[ ! -f "$home/.unpacked" ]]; then # another start may have won the race meanwhile
        rm -rf "$home"
        mv -T "$tmp/elasticsearch-$ES_VERSION" "$home"
    fi
    rm -rf "$tmp"
    echo "$home"
}

# ---------------------------------------------------------------- commands

cmd_status() {
    local pid url
    pid="$(current_pid)"; url="$(current_url)"
    if pid_alive "$pid" && [[ -n "$url" ]] && http_get "$url/_cluster/health" >/dev/null; then
        echo "$url"; return 0
    fi
    return 1
}

cmd_url() {
    local url
    url="$(current_url)"
    [[ -n "$url" ]] && pid_alive "$(current_pid)" || die "not running (run: $0 start)"
    echo "$url"
}

cmd_stop() {
    local pid run
    pid="$(current_pid)"; run="$(cat "$STATE/run_dir" 2>/dev/null || true)"
    if ! pid_alive "$pid" && [[ -n "$run" ]]; then
        pid="$(run_pids "$run" | head -n 1)"
    fi
    if pid_alive "$pid"; then
        log "stopping pid $pid"
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 60); do
            proc_running "$pid" || break
            sleep 0.5
        done
        if proc_running "$pid"; then
            log "still running after 30 s: KILL"
            kill -KILL "$pid" 2>/dev/null || true
            for _ in $(seq 1 40); do proc_running "$pid" || break; sleep 0.25; done
        fi
    fi
    if [[ -n "$run" && -d "$run" && "$run" == */govsearch-es-run.* ]]; then
        rm -rf "$run"
    fi
    rm -rf "$STATE"
}

cmd_start() {
    if cmd_status >/dev/null; then
        log "already running at $(current_url)"
        current_url
        return 0
    fi
    cmd_stop # clear a stale state/pid from an earlier run

    local t0 zip home jhome port url run
    t0=$(date +%s%N)
    zip="$(fetch_zip)"
    home="$(unpack "$zip")"
    jhome="$(java_home)"
    ensure_user
    if ! as_es_user test -r "$home/lib/elasticsearch-$ES_VERSION.jar"; then
        die "$home is not readable by $ES_USER (put GOVSEARCH_ES_CACHE somewhere world-readable)"
    fi

    port="$(pick_port)"
    url="http://127.0.0.1:$port"
    run="$(mktemp -d /tmp/govsearch-es-run.XXXXXX)"
    mkdir -p "$run/config" "$run/data" "$run/logs" "$run/tmp"
    cp -r "$home/config/." "$run/config/"
    cat >"$run/config/elasticsearch.yml" <<EOF
cluster.name: govsearch-test
node.name: govsearch-test-node
path.data: $run/data
path.logs: $run/logs
network.host: 127.0.0.1
http.port: $port
transport.port: 9300-9399
discovery.type: single-node
xpack.security.enabled: false
action.destructive_requires_name: false
# shared disks may be nearly full: never block writes or refuse to allocate shards for that
cluster.routing.allocation.disk.threshold_enabled: false
EOF
    if [[ $(id -u) -eq 0 ]]; then
        chown -R "$ES_USER:$ES_USER" "$run"
    fi
    chmod 0755 "$run"

    mkdir -p "$STATE"
    echo "$run" >"$STATE/run_dir"
    echo "$url" >"$STATE/url"

    log "starting Elasticsearch $ES_VERSION on $url (java: $jhome, data: $run)"
    # the launcher (-d) returns once the node has started; bound it by the same timeout
    local rc=0 deadline=$(( $(date +%s) + TIMEOUT ))
    local as_user=()
    [[ $(id -u) -eq 0 ]] && as_user=(runuser -u "$ES_USER" --)
    timeout --kill-after=10 "$TIMEOUT" "${as_user[@]}" env -i PATH=/usr/bin:/bin \
        ES_HOME="$home" ES_PATH_CONF="$run/config" ES_TMPDIR="$run/tmp" \
        ES_JAVA_HOME="$jhome" ES_JAVA_OPTS="$HEAP_OPTS" \
        "$home/bin/elasticsearch" -d -p "$run/es.pid" \
        >"$run/logs/startup.out" 2>&1 </dev/null || rc=$?

    local pid=""
    for _ in $(seq 1 20); do
        pid="$(cat "$run/es.pid" 2>/dev/null || run_pids "$run" | head -n 1)"
        [[ -n "$pid" ]] && break
        sleep 0.25
    done
    [[ -n "$pid" ]] && echo "$pid" >"$STATE/pid"

    local health=""
    while (( $(date +%s) < deadline )); do
        if [[ $rc -ne 0 ]] || ! pid_alive "$pid"; then break; fi
        health="$(http_get "$url/_cluster/health?wait_for_status=yellow&timeout=5s" || true)"
        if [[ "$health" == *'"status":"green"'* || "$health" == *'"status":"yellow"'* ]]; then
            local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
            log "up at $url in $((ms / 1000)).$((ms % 1000 / 100)) s (pid $pid, health $(
                grep -o '"status":"[a-z]*"' <<<"$health" | cut -d'"' -f4))"
            echo "$url"
            return 0
        fi
        sleep 1
    done

    log "Elasticsearch did not become healthy (launcher exit $rc, pid ${pid:-none}, health: ${health:-none})"
    for f in "$run/logs/startup.out" "$run/logs/govsearch-test.log"; do
        if [[ -s "$f" ]]; then
            log "---- tail of $f"
            tail -n 60 "$f" >&2
        fi
    done
    cmd_stop
    exit 1
}

# Sourced (by .ci/es-cluster.sh, for the fetch/unpack/user helpers above) it runs nothing.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    case "${1:-}" in
        start)  cmd_start ;;
        stop)   cmd_stop ;;
        status) cmd_status || { echo "not running" >&2; exit 1; } ;;
        url)    cmd_url ;;
        *)      echo "usage: $0 {start|stop|status|url}" >&2; exit 2 ;;
    esac
fi

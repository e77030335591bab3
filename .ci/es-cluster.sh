#!/usr/bin/env bash
# Run a throw-away N-node Elasticsearch 8.x cluster on 127.0.0.1 for the cluster tests and bench.
#
#   .ci/es-cluster.sh start [N]     start N nodes (default 3), wait for green, print the URLs
#                                   comma-separated (e.g. http://127.0.0.1:9250,…:9251,…:9252)
#   .ci/es-cluster.sh stop          stop every node and delete the data (idempotent)
#   .ci/es-cluster.sh status        exit 0 and print the URLs if the cluster answers, else 1
#   .ci/es-cluster.sh urls          print the URLs of the cluster started from this checkout
#   .ci/es-cluster.sh node-kill I   SIGKILL node I (1-based): a crash, data left as it was
#   .ci/es-cluster.sh node-stop I   stop node I cleanly (SIGTERM, wait)
#   .ci/es-cluster.sh node-start I  start node I again on its own data; wait until the cluster
#                                   has all N nodes and is green again
#   .ci/es-cluster.sh pid I         the pid of node I's JVM
#
# It reuses the fetch (mvn, cached), unpack and unprivileged-user logic of .ci/elasticsearch.sh
# (sourced, which runs nothing), so the single node and the cluster run the same distribution.
# Each node has its own config, data, logs and tmp folder under one run folder in /tmp, its own
# HTTP and transport port on 127.0.0.1, and knows the others through discovery.seed_hosts; the
# first start bootstraps with cluster.initial_master_nodes, which node-start removes again (a
# node that has joined a cluster must not be told to bootstrap one).
#
# The nodes are launched in parallel: a launcher (-d) returns only once its node has seen an
# elected master, which needs a majority of the nodes up, so one-at-a-time would stall.
#
# Environment (all optional), beside those of .ci/elasticsearch.sh (version, cache, java, user):
#   GOVSEARCH_ES_CLUSTER_PORT       first HTTP port to try (default 9250); transport ports from
#                                   this + 100; busy ones are skipped
#   GOVSEARCH_ES_CLUSTER_HEAP_OPTS  JVM flags per node
#                                   (default "-Xms256m -Xmx256m -XX:TieredStopAtLevel=1": C1 only
#                                   cut a node's start from ~30 to ~12 CPU seconds here, which on
#                                   2 cores is most of a 3-node start; not for production)
#   GOVSEARCH_ES_CLUSTER_TIMEOUT    seconds to wait for green      (default 240)
#   GOVSEARCH_ES_CLUSTER_STATE      state folder (urls, pids, run dir)
#                                   (default /tmp/govsearch-es-cluster-<hash of checkout>)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=elasticsearch.sh
source "$HERE/elasticsearch.sh"

log() { printf '[es-cluster.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

CPORT="${GOVSEARCH_ES_CLUSTER_PORT:-9250}"
CHEAP="${GOVSEARCH_ES_CLUSTER_HEAP_OPTS:--Xms256m -Xmx256m -XX:TieredStopAtLevel=1}"
CTIMEOUT="${GOVSEARCH_ES_CLUSTER_TIMEOUT:-240}"
CSTATE="${GOVSEARCH_ES_CLUSTER_STATE:-/tmp/govsearch-es-cluster-$(printf '%s' "$ROOT" | md5sum | cut -c1-8)}"
CLUSTER_NAME="govsearch-cluster-$(printf '%s' "$CSTATE" | md5sum | cut -c1-8)"

# ---------------------------------------------------------------- state

nodes() { cat "$CSTATE/nodes" 2>/dev/null || echo 0; }
run_dir() { cat "$CSTATE/run_dir" 2>/dev/null || true; }
node_dir() { echo "$(run_dir)/node-$1"; }
node_url() { echo "http://127.0.0.1:$(cat "$CSTATE/node-$1.http")"; }
node_pid() { cat "$(node_dir "$1")/es.pid" 2>/dev/null || run_pids "$(node_dir "$1")" | head -n 1; }
all_urls() {
    local i out=()
    for i in $(seq 1 "$(nodes)"); do out+=("$(node_url "$i")"); done
    (IFS=,; echo "${out[*]}")
}

check_index() { # I -> dies unless 1 <= I <= nodes
    [[ "${1:-}" =~ ^[0-9]+$ ]] && (( $1 >= 1 && $1 <= $(nodes) )) ||
        die "no node '${1:-}' (the cluster has $(nodes) nodes; is it started?)"
}

free_ports() { # count base -> that many free ports from base upward
    local want="$1" p="$2" got=0
    for _ in $(seq 1 200); do
        if port_free "$p"; then echo "$p"; got=$((got + 1)); fi
        (( got == want )) && return 0
        p=$((p + 1))
    done
    die "fewer than $want free ports from $2"
}

# ---------------------------------------------------------------- nodes

write_config() { # I bootstrap(yes|no)
    local i="$1" dir seeds masters j
    dir="$(node_dir "$i")"
    seeds="" masters=""
    for j in $(seq 1 "$(nodes)"); do
        seeds+="${seeds:+, }\"127.0.0.1:$(cat "$CSTATE/node-$j.transport")\""
        masters+="${masters:+, }\"node-$j\""
    done
    cat >"$dir/config/elasticsearch.yml" <<EOF
cluster.name: $CLUSTER_NAME
node.name: node-$i
path.data: $dir/data
path.logs: $dir/logs
network.host: 127.0.0.1
http.port: $(cat "$CSTATE/node-$i.http")
transport.port: $(cat "$CSTATE/node-$i.transport")
discovery.seed_hosts: [$seeds]
xpack.security.enabled: false
action.destructive_requires_name: false
# shared disks may be nearly full: never block writes or refuse to allocate shards for that
cluster.routing.allocation.disk.threshold_enabled: false
EOF
    if [[ "$2" == yes ]]; then
        echo "cluster.initial_master_nodes: [$masters]" >>"$dir/config/elasticsearch.yml"
    fi
    [[ $(id -u) -eq 0 ]] && chown "$ES_USER:$ES_USER" "$dir/config/elasticsearch.yml"
    return 0
}

launch() { # I home jhome -> runs the launcher (returns when the node has started)
    local i="$1" home="$2" jhome="$3" dir rc=0
    dir="$(node_dir "$i")"
    rm -f "$dir/es.pid"
    local as_user=()
    [[ $(id -u) -eq 0 ]] && as_user=(runuser -u "$ES_USER" --)
    timeout --kill-after=10 "$CTIMEOUT" "${as_user[@]}" env -i PATH=/usr/bin:/bin \
        ES_HOME="$home" ES_PATH_CONF="$dir/config" ES_TMPDIR="$dir/tmp" \
        ES_JAVA_HOME="$jhome" ES_JAVA_OPTS="$CHEAP" \
        "$home/bin/elasticsearch" -d -p "$dir/es.pid" \
        >"$dir/logs/startup.out" 2>&1 </dev/null || rc=$?
    if [[ $rc -ne 0 ]]; then
        log "node-$i: launcher exited $rc"
        tail -n 30 "$dir/logs/startup.out" >&2 || true
    fi
    return $rc
}

wait_green() { # -> 0 once some node reports green with all nodes joined, 1 at the deadline
    local deadline=$(( $(date +%s) + CTIMEOUT )) n health i
    n="$(nodes)"
    while (( $(date +%s) < deadline )); do
        for i in $(seq 1 "$n"); do
            health="$(http_get "$(node_url "$i")/_cluster/health?wait_for_status=green&wait_for_nodes=$n&timeout=5s" || true)"
            if [[ "$health" == *'"status":"green"'* && "$health" == *"\"number_of_nodes\":$n,"* ]]; then
                return 0
            fi
            [[ -n "$health" ]] && break # a node answered: ask it again rather than the next
        done
        sleep 1
    done
    log "no green health with $n nodes after ${CTIMEOUT} s (last: ${health:-none})"
    return 1
}

stop_pid() { # pid signal -> signal it and wait until it is gone (KILL after 30 s)
    local pid="$1" sig="$2"
    pid_alive "$pid" || return 0
    kill "-$sig" "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do proc_running "$pid" || return 0; sleep 0.5; done
    log "pid $pid still running after 30 s: KILL"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do proc_running "$pid" || return 0; sleep 0.25; done
}

dump_logs() {
    local i f
    for i in $(seq 1 "$(nodes)"); do
        f="$(node_dir "$i")/logs/$CLUSTER_NAME.log" # startup.out repeats it, until it exists
        [[ -s "$f" ]] || f="$(node_dir "$i")/logs/startup.out"
        [[ -s "$f" ]] || continue
        log "---- tail of $f"
        tail -n 25 "$f" | cut -c1-400 >&2
    done
}

# ---------------------------------------------------------------- commands

cmd_cluster_status() {
    [[ -f "$CSTATE/nodes" ]] || return 1
    local i
    for i in $(seq 1 "$(nodes)"); do
        if http_get "$(node_url "$i")/_cluster/health" >/dev/null; then all_urls; return 0; fi
    done
    return 1
}

cmd_cluster_stop() {
    local i run
    run="$(run_dir)"
    if [[ -n "$run" && -d "$run" ]]; then
        for i in $(seq 1 "$(nodes)"); do stop_pid "$(node_pid "$i")" TERM; done
        for i in $(seq 1 "$(nodes)"); do # leftovers whose pid file was lost
            for p in $(run_pids "$(node_dir "$i")"); do stop_pid "$p" KILL; done
        done
        [[ "$run" == */govsearch-es-run.* ]] && rm -rf "$run"
    fi
    rm -rf "$CSTATE"
}

cmd_cluster_start() {
    local n="${1:-3}"
    [[ "$n" =~ ^[0-9]+$ ]] && (( n >= 1 && n <= 9 )) || die "node count must be 1..9, got '$n'"
    if cmd_cluster_status >/dev/null && [[ "$(nodes)" == "$n" ]]; then
        log "already running: $(all_urls)"
        all_urls
        return 0
    fi
    cmd_cluster_stop

    local t0 zip home jhome run i
    t0=$(date +%s%N)
    zip="$(fetch_zip)"
    home="$(unpack "$zip")"
    jhome="$(java_home)"
    ensure_user
    as_es_user test -r "$home/lib/elasticsearch-$ES_VERSION.jar" ||
        die "$home is not readable by $ES_USER (put GOVSEARCH_ES_CACHE somewhere world-readable)"

    mkdir -p "$CSTATE"
    run="$(mktemp -d /tmp/govsearch-es-run.XXXXXX)"
    echo "$run" >"$CSTATE/run_dir"
    echo "$n" >"$CSTATE/nodes"
    local http=() transport=()
    mapfile -t http < <(free_ports "$n" "$CPORT")
    mapfile -t transport < <(free_ports "$n" "$((CPORT + 100))")
    for i in $(seq 1 "$n"); do
        echo "${http[$((i - 1))]}" >"$CSTATE/node-$i.http"
        echo "${transport[$((i - 1))]}" >"$CSTATE/node-$i.transport"
        mkdir -p "$run/node-$i/config" "$run/node-$i/data" "$run/node-$i/logs" "$run/node-$i/tmp"
        cp -r "$home/config/." "$run/node-$i/config/"
    done
    [[ $(id -u) -eq 0 ]] && chown -R "$ES_USER:$ES_USER" "$run"
    chmod 0755 "$run"
    for i in $(seq 1 "$n"); do write_config "$i" yes; done

    log "starting $n nodes of Elasticsearch $ES_VERSION (heap $CHEAP each, data: $run)"
    local launchers=() failed=0
    for i in $(seq 1 "$n"); do
        launch "$i" "$home" "$jhome" &
        launchers+=($!)
    done
    for i in "${launchers[@]}"; do wait "$i" || failed=1; done
    if [[ $failed -ne 0 ]] || ! wait_green; then
        dump_logs
        cmd_cluster_stop
        exit 1
    fi
    local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    log "green with $n nodes in $((ms / 1000)).$((ms % 1000 / 100)) s: $(all_urls)"
    all_urls
}

cmd_node_kill() {
    check_index "$1"
    local pid
    pid="$(node_pid "$1")"
    pid_alive "$pid" || die "node-$1 is not running"
    log "node-$1: SIGKILL pid $pid"
    stop_pid "$pid" KILL
}

cmd_node_stop() {
    check_index "$1"
    log "node-$1: stopping"
    stop_pid "$(node_pid "$1")" TERM
}

cmd_node_start() {
    check_index "$1"
    if pid_alive "$(node_pid "$1")"; then log "node-$1 is already running"; return 0; fi
    local t0 home
    t0=$(date +%s%N)
    home="$(unpack "$(fetch_zip)")"
    write_config "$1" no
    log "node-$1: starting on $(node_url "$1")"
    launch "$1" "$home" "$(java_home)" || { dump_logs; exit 1; }
    wait_green || { dump_logs; exit 1; }
    local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    log "node-$1 back, cluster green in $((ms / 1000)).$((ms % 1000 / 100)) s"
}

case "${1:-}" in
    start)      cmd_cluster_start "${2:-3}" ;;
    stop)       cmd_cluster_stop ;;
    status)     cmd_cluster_status || { echo "not running" >&2; exit 1; } ;;
    urls)       cmd_cluster_status || die "not running (run: $0 start)" ;;
    node-kill)  cmd_node_kill "${2:-}" ;;
    node-stop)  cmd_node_stop "${2:-}" ;;
    node-start) cmd_node_start "${2:-}" ;;
    pid)        check_index "${2:-}"; node_pid "$2" ;;
    *)          echo "usage: $0 {start [N]|stop|status|urls|node-kill I|node-stop I|node-start I|pid I}" >&2
                exit 2 ;;
esac

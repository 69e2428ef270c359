#!/usr/bin/env bash
# Apache Kafka 4.1.1 for Kit's Kafka tests: one KRaft node (broker and controller in one
# process) on 127.0.0.1:9092, run from its jars on Maven Central.
#
#   bash scripts/kafka.sh start    fetch the jars once, format storage once, start, wait until ready
#   bash scripts/kafka.sh stop     stop the broker this script started (by its pid file)
#   bash scripts/kafka.sh status   say whether 127.0.0.1:9092 answers
#   bash scripts/kafka.sh fetch    only fetch the jars (tests that start a broker of their own use them)
#
# Everything lives under .tools/kafka (ignored by git): libs/ (jars), m2/ (Maven's cache),
# data/ (the log dirs), server.properties, kafka.pid, kafka.log.
set -euo pipefail

KIT_ROOT="${KIT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
KAFKA_HOME="$KIT_ROOT/.tools/kafka"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_PID="$KAFKA_HOME/kafka.pid"
KAFKA_LOG="$KAFKA_HOME/kafka.log"
KAFKA_PROPS="$KAFKA_HOME/server.properties"
KAFKA_DATA="$KAFKA_HOME/data"
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
KAFKA_WAIT_SECONDS="${KAFKA_WAIT_SECONDS:-60}"
KAFKA_HEAP="${KAFKA_HEAP:--Xms256m -Xmx512m}"

say() { printf '\033[1mkafka:\033[0m %s\n' "$*" >&2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
now_ms() { date +%s%3N; }

java17() {
  local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  command -v "$java" >/dev/null 2>&1 || { say "java (17 or newer) is not installed"; return 1; }
  local v
  v="$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
  if [ -z "$v" ] || [ "$v" -lt 17 ]; then say "Kafka 4 needs Java 17 or newer, found: $v"; return 1; fi
  printf '%s' "$java"
}

fetch_jars() {
  if [ -f "$KAFKA_LIBS/.complete" ]; then return 0; fi
  command -v mvn >/dev/null 2>&1 || { say "Maven (mvn) is not installed: it fetches Kafka's jars"; return 1; }
  say "fetching Kafka's jars from Maven Central into .tools/kafka/libs"
  mkdir -p "$KAFKA_HOME"
  rm -rf "$KAFKA_LIBS"
  if ! mvn -B -q -f "$KIT_ROOT/scripts/kafka/pom.xml" \
      -Dmaven.repo.local="$KAFKA_HOME/m2" \
      dependency:copy-dependencies -DoutputDirectory="$KAFKA_LIBS" -DincludeScope=runtime \
      >"$KAFKA_HOME/fetch.log" 2>&1; then
    tail -n 40 "$KAFKA_HOME/fetch.log" >&2
    say "fetching the jars failed (full log: $KAFKA_HOME/fetch.log)"
    return 1
  fi
  touch "$KAFKA_LIBS/.complete"
}

write_config() {
  mkdir -p "$KAFKA_DATA"
  cat >"$KAFKA_PROPS" <<PROPS
# Written by scripts/kafka.sh: one KRaft node for tests, on 127.0.0.1 only.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DATA
num.partitions=1
auto.create.topics.enable=true
delete.topic.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
log.segment.bytes=16777216
PROPS
}

format_storage() {
  [ -f "$KAFKA_DATA/meta.properties" ] && return 0
  local java="$1" cluster_id
  if ! cluster_id="$("$java" -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool random-uuid 2>"$KAFKA_HOME/format.log")"; then
    cat "$KAFKA_HOME/format.log" >&2
    say "could not make a cluster id with kafka.tools.StorageTool"
    return 1
  fi
  cluster_id="$(printf '%s' "$cluster_id" | tail -n 1)"
  say "formatting storage in .tools/kafka/data (cluster $cluster_id)"
  if ! "$java" -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool format \
      --config "$KAFKA_PROPS" --cluster-id "$cluster_id" --standalone --ignore-formatted \
      >"$KAFKA_HOME/format.log" 2>&1; then
    cat "$KAFKA_HOME/format.log" >&2
    say "formatting storage failed"
    return 1
  fi
}

running_pid() {
  [ -f "$KAFKA_PID" ] || return 1
  local pid
  pid="$(cat "$KAFKA_PID")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && printf '%s' "$pid"
}

# ready JAVA: true once the broker answers a metadata request (lists its topics).
ready() {
  port_open "$KAFKA_PORT" || return 1
  timeout 30 "$1" -Xmx128m -cp "$KAFKA_LIBS/*" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "127.0.0.1:$KAFKA_PORT" --list >/dev/null 2>&1
}

fail_with_log() {
  say "$1"
  [ -f "$KAFKA_LOG" ] && tail -n 40 "$KAFKA_LOG" >&2
  return 1
}

start() {
  if port_open "$KAFKA_PORT"; then say "already listening on 127.0.0.1:$KAFKA_PORT"; return 0; fi
  local started java pid deadline
  started="$(now_ms)"
  java="$(java17)" || return 1
  fetch_jars || return 1
  write_config
  format_storage "$java" || return 1
  say "starting Kafka 4.1.1 on 127.0.0.1:$KAFKA_PORT (log: .tools/kafka/kafka.log)"
  # shellcheck disable=SC2086 # KAFKA_HEAP is a list of JVM flags
  nohup "$java" $KAFKA_HEAP -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$KAFKA_HOME/log4j.properties" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_PROPS" >"$KAFKA_LOG" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$KAFKA_PID"
  deadline=$(($(date +%s) + KAFKA_WAIT_SECONDS))
  until ready "$java"; do
    kill -0 "$pid" 2>/dev/null || { rm -f "$KAFKA_PID"; fail_with_log "Kafka exited while starting"; return 1; }
    if [ "$(date +%s)" -ge "$deadline" ]; then
      fail_with_log "Kafka did not answer on 127.0.0.1:$KAFKA_PORT within ${KAFKA_WAIT_SECONDS}s (it is still running as pid $pid)"
      return 1
    fi
    sleep 1
  done
  local took=$(($(now_ms) - started))
  say "ready on 127.0.0.1:$KAFKA_PORT in $((took / 1000)).$(((took % 1000) / 100)) s"
}

write_log4j() {
  mkdir -p "$KAFKA_HOME"
  cat >"$KAFKA_HOME/log4j.properties" <<'LOG'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.state.change.logger=WARN
LOG
}

stop() {
  local pid i
  if ! pid="$(running_pid)"; then
    rm -f "$KAFKA_PID"
    if port_open "$KAFKA_PORT"; then say "127.0.0.1:$KAFKA_PORT is open but was not started by this script; left alone"; else say "not running"; fi
    return 0
  fi
  say "stopping Kafka (pid $pid)"
  kill "$pid"
  for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then say "Kafka did not stop in 30 s; killing it"; kill -9 "$pid"; fi
  rm -f "$KAFKA_PID"
}

status() {
  if port_open "$KAFKA_PORT"; then
    local pid
    if pid="$(running_pid)"; then say "running on 127.0.0.1:$KAFKA_PORT (pid $pid)"; else say "127.0.0.1:$KAFKA_PORT is open (not started by this script)"; fi
    return 0
  fi
  say "not running"
  return 1
}

case "${1:-}" in
  start) write_log4j; start || exit 1 ;;
  stop) stop ;;
  status) status ;;
  fetch) fetch_jars ;;
  *) echo "usage: bash scripts/kafka.sh start|stop|status|fetch" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# The services Kit's integration tests talk to, all on 127.0.0.1. Sourced by scripts/kit.sh;
# also runnable on its own:
#
#   bash scripts/services.sh start    start every service that is not running
#   bash scripts/services.sh stop     stop the services this script started (etcd, ZooKeeper,
#                                     ElasticMQ, Kafka)
#   bash scripts/services.sh observe  start Prometheus (scraping addsvc on 127.0.0.1:8081) and
#                                     Zipkin on their usual ports; `unobserve` stops them
#
# Redis, RabbitMQ and NATS (with JetStream) run on a new machine already; each is started with
# the machine's own command if it has stopped. etcd and ZooKeeper come from Debian's packages
# (installed with apt-get when missing); ElasticMQ (SQS) and Kafka from their jars on Maven
# Central (fetched with mvn into .tools/). All of these keep their data under .tools/.
# Prometheus, carbon, InfluxDB and Zipkin are installed but not started (see
# ensure_observability).
# A service that cannot be had is reported; its integration tests then fail, and say so.

KIT_ROOT="${KIT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
KIT_STATE="$KIT_ROOT/.tools/services"

svc_say() { printf '\033[1mkit:\033[0m %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_port PORT SECONDS: true once the port accepts connections.
wait_port() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do port_open "$1" && return 0; sleep 0.1; done
  port_open "$1"
}

# apt_install PACKAGE COMMAND: installs a Debian package when COMMAND is missing.
apt_install() {
  [ -e "$2" ] || command -v "$2" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    svc_say "$1 is not installed and this user cannot install it (apt-get install $1)"
    return 1
  fi
  svc_say "installing $1 from Debian's packages"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1"; } >"$KIT_STATE/apt-$1.log" 2>&1 \
    || { cat "$KIT_STATE/apt-$1.log" >&2; return 1; }
}

ensure_redis() {
  port_open 6379 && return 0
  command -v redis-server >/dev/null 2>&1 || { svc_say "Redis is not installed"; return 1; }
  svc_say "starting Redis on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  wait_port 6379 10
}

ensure_rabbitmq() {
  port_open 5672 && return 0
  command -v rabbitmq-server >/dev/null 2>&1 || { svc_say "RabbitMQ is not installed"; return 1; }
  svc_say "starting RabbitMQ on 127.0.0.1:5672"
  rabbitmq-server -detached >/dev/null 2>&1
  wait_port 5672 60
}

ensure_nats() {
  port_open 4222 && return 0
  [ -x /usr/sbin/nats-server ] || { svc_say "nats-server is not installed"; return 1; }
  svc_say "starting NATS with JetStream on 127.0.0.1:4222"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  wait_port 4222 20
}

ensure_etcd() {
  port_open 2379 && return 0
  apt_install etcd-server /usr/bin/etcd || return 1
  svc_say "starting etcd on 127.0.0.1:2379"
  mkdir -p "$KIT_STATE/etcd"
  nohup /usr/bin/etcd --name kit --data-dir "$KIT_STATE/etcd/data" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster kit=http://127.0.0.1:2380 >"$KIT_STATE/etcd/etcd.log" 2>&1 &
  echo $! >"$KIT_STATE/etcd/pid"
  wait_port 2379 30
}

ensure_zookeeper() {
  port_open 2181 && return 0
  apt_install zookeeper /usr/share/java/zookeeper.jar || return 1
  svc_say "starting ZooKeeper on 127.0.0.1:2181"
  local dir="$KIT_STATE/zookeeper"
  mkdir -p "$dir/data"
  cat >"$dir/zoo.cfg" <<EOF
tickTime=500
dataDir=$dir/data
clientPort=2181
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok,stat
EOF
  nohup java -Xmx256m -Dzookeeper.log.dir="$dir" -Dlog4j.configuration=file:/etc/zookeeper/conf_example/log4j.properties \
    -cp "/etc/zookeeper/conf_example:/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar" \
    org.apache.zookeeper.server.ZooKeeperServerMain "$dir/zoo.cfg" >"$dir/zookeeper.log" 2>&1 &
  echo $! >"$dir/pid"
  wait_port 2181 60
}

# fetch_jars POM DIR: the jars a pom depends on, from Maven Central into DIR/libs (once).
fetch_jars() {
  [ -n "$(ls "$2/libs" 2>/dev/null)" ] && return 0
  command -v mvn >/dev/null 2>&1 || { svc_say "need mvn to fetch $(basename "$2") from Maven Central"; return 1; }
  mkdir -p "$2"
  mvn -q -B -f "$1" dependency:copy-dependencies -DoutputDirectory="$2/libs" -Dmaven.repo.local="$2/m2" >"$2/mvn.log" 2>&1 \
    || { tail -20 "$2/mvn.log" >&2; rm -rf "$2/libs"; return 1; }
}

# ElasticMQ, the SQS-compatible server, from Maven Central (scripts/elasticmq/pom.xml), and the
# AWS CLI, the non-Kit client the SQS tests check against.
ensure_sqs() {
  apt_install awscli aws || svc_say "the AWS CLI is missing; the SQS interop tests will fail"
  port_open 9324 && return 0
  local dir="$KIT_STATE/elasticmq"
  svc_say "starting ElasticMQ (SQS) on 127.0.0.1:9324"
  fetch_jars "$KIT_ROOT/scripts/elasticmq/pom.xml" "$dir" || return 1
  cat >"$dir/elasticmq.conf" <<CONF
include classpath("application.conf")
node-address { protocol = http, host = 127.0.0.1, port = 9324, context-path = "" }
rest-sqs { enabled = true, bind-port = 9324, bind-hostname = "127.0.0.1", sqs-limits = strict }
rest-stats { enabled = false }
aws { region = us-east-1, accountId = 000000000000 }
CONF
  nohup java -Xmx256m -Dconfig.file="$dir/elasticmq.conf" -cp "$dir/libs/*" org.elasticmq.server.Main >"$dir/elasticmq.log" 2>&1 &
  echo $! >"$dir/pid"
  wait_port 9324 60 || { tail -20 "$dir/elasticmq.log" >&2; return 1; }
}

# Apache Kafka in KRaft mode, from Maven Central (scripts/kafka.sh), and kcat, the non-Kit
# client the Kafka tests check against.
ensure_kafka() {
  apt_install kcat kcat || svc_say "kcat is missing; the Kafka interop test will fail"
  port_open 9092 && return 0
  bash "$KIT_ROOT/scripts/kafka.sh" start
}

# The observability backends the metrics and tracing tests check Kit against: Prometheus (with
# promtool), Graphite's carbon-cache (with whisper's tools) and InfluxDB 1.x from Debian's
# packages, and Zipkin's server jar from Maven Central. Installed here, not started: each test
# that needs one starts its own on a free port (through @kit/test-support, from a file of its
# package's tests such as packages/metrics-prometheus/test/own-prometheus.ts) and stops it, so
# only those tests pay for it.
# `bash scripts/services.sh observe` starts Prometheus and Zipkin for a person (see
# examples/addsvc/README.md).
ZIPKIN_VERSION=3.6.1

ensure_observability() {
  local wanted=() pkg cmd
  for pkg in prometheus:/usr/bin/prometheus graphite-carbon:/usr/bin/carbon-cache \
    python3-whisper:/usr/bin/whisper-fetch influxdb:/usr/bin/influxd; do
    cmd="${pkg#*:}"
    [ -e "$cmd" ] || wanted+=("${pkg%%:*}")
  done
  if [ "${#wanted[@]}" -gt 0 ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
      svc_say "missing ${wanted[*]}, and this user cannot install them (apt-get install ${wanted[*]})"
      return 1
    fi
    svc_say "installing ${wanted[*]} from Debian's packages"
    # The packages' own services are not wanted (the tests start their own); RUNLEVEL=1 keeps
    # invoke-rc.d from starting them.
    { apt-get update -qq && RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${wanted[@]}"; } \
      >"$KIT_STATE/apt-observability.log" 2>&1 || { tail -20 "$KIT_STATE/apt-observability.log" >&2; return 1; }
  fi
  ensure_zipkin_jar
}

# The Zipkin server's executable jar, from Maven Central into .tools/services/zipkin (once).
ensure_zipkin_jar() {
  local dir="$KIT_STATE/zipkin"
  [ -s "$dir/zipkin-server-exec.jar" ] && return 0
  command -v mvn >/dev/null 2>&1 || { svc_say "need mvn to fetch Zipkin's server from Maven Central"; return 1; }
  svc_say "fetching Zipkin's server $ZIPKIN_VERSION from Maven Central"
  mkdir -p "$dir"
  mvn -q -B dependency:copy -Dartifact="io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" -DoutputDirectory="$dir" \
    -Dmaven.repo.local="$dir/m2" >"$dir/mvn.log" 2>&1 || { tail -20 "$dir/mvn.log" >&2; return 1; }
  mv "$dir/zipkin-server-$ZIPKIN_VERSION-exec.jar" "$dir/zipkin-server-exec.jar" && rm -rf "$dir/m2"
}

# For a person: Prometheus on 127.0.0.1:9090 scraping addsvc's /metrics on 127.0.0.1:8081 every
# 5 s, and Zipkin on 127.0.0.1:9411 (traces at /zipkin/). `unobserve` stops both.
start_observing() {
  ensure_observability || return 1
  local dir="$KIT_STATE/observe"
  mkdir -p "$dir"
  if ! port_open 9090; then
    cat >"$dir/prometheus.yml" <<YML
global: { scrape_interval: 5s }
scrape_configs:
  - job_name: addsvc
    static_configs: [{ targets: ["127.0.0.1:8081"] }]
YML
    nohup /usr/bin/prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/prometheus-data" \
      --web.listen-address=127.0.0.1:9090 >"$dir/prometheus.log" 2>&1 &
    echo $! >"$dir/prometheus.pid"
  fi
  if ! port_open 9411; then
    nohup java -Xmx256m -jar "$KIT_STATE/zipkin/zipkin-server-exec.jar" --server.address=127.0.0.1 --server.port=9411 \
      >"$dir/zipkin.log" 2>&1 &
    echo $! >"$dir/zipkin.pid"
  fi
  wait_port 9090 30 || { tail -5 "$dir/prometheus.log" >&2; return 1; }
  wait_port 9411 90 || { tail -5 "$dir/zipkin.log" >&2; return 1; }
  svc_say "Prometheus on http://127.0.0.1:9090 (scraping 127.0.0.1:8081), Zipkin on http://127.0.0.1:9411/zipkin/"
}

stop_observing() {
  local pidfile
  for pidfile in "$KIT_STATE"/observe/prometheus.pid "$KIT_STATE"/observe/zipkin.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
    rm -f "$pidfile"
  done
  return 0
}

# Starts every service; returns non-zero when one could not be had (the others still start).
ensure_services() {
  mkdir -p "$KIT_STATE"
  local failed=0 svc
  for svc in redis rabbitmq nats etcd zookeeper sqs kafka observability; do
    "ensure_$svc" || { failed=1; svc_say "$svc could not be started; its integration tests will fail"; }
  done
  return "$failed"
}

stop_services() {
  local pidfile
  [ -f "$KIT_ROOT/scripts/kafka.sh" ] && bash "$KIT_ROOT/scripts/kafka.sh" stop
  for pidfile in "$KIT_STATE"/etcd/pid "$KIT_STATE"/zookeeper/pid "$KIT_STATE"/elasticmq/pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null && rm -f "$pidfile"
  done
  return 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  case "${1:-}" in
    start) ensure_services ;;
    stop) stop_services ;;
    observe) mkdir -p "$KIT_STATE" && start_observing ;;
    unobserve) stop_observing ;;
    *) echo "usage: bash scripts/services.sh start|stop|observe|unobserve" >&2; exit 2 ;;
  esac
fi

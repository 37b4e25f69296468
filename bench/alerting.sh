#!/usr/bin/env bash
# Alert latency benchmark: the product (Monitoring.Silo + Monitoring.Api on a fresh SQLite file, built in Release) with
# a webhook receiver pointing at the driver's loopback sink; the driver measures sample POST -> firing webhook for a
# `for: 0` rule while it keeps an ingest load running. See bench/README.md.
#
#   bench/alerting.sh [driver options...]   e.g. --trips 1000 --load-rate 1000 --load-connections 8
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stamp="$(date -u +%Y%m%d-%H%M%S)"
results="$root/bench/results"
mkdir -p "$results"
work="$(mktemp -d "${TMPDIR:-/tmp}/monitoring-alert-bench.XXXXXX")"
pids=()

cleanup() {
  local status=$? pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if compgen -G "$work/*.log" >/dev/null; then
    mkdir -p "$results/alerting-$stamp"
    cp "$work"/*.log "$results/alerting-$stamp/" || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 30000))
    if [[ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]]; then
      echo "$port"
      return
    fi
  done
  echo "alerting.sh: no free loopback port found" >&2
  return 1
}

# start NAME DIR DLL [VAR=value...]: runs a built app from its output folder (so it finds its appsettings.json).
start() {
  local name="$1" dir="$2" dll="$3"
  shift 3
  (cd "$dir" && exec env DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production "$@" dotnet "$dll") \
    >"$work/$name.log" 2>&1 &
  pids+=("$!")
  echo "started $name (pid $!)"
}

wait_healthy() {
  local name="$1" url="$2"
  for _ in $(seq 1 600); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
      echo "$name healthy at $url"
      return 0
    fi
    sleep 0.2
  done
  echo "alerting.sh: $name not healthy at $url after 120 s; its log:" >&2
  tail -n 40 "$work/$name.log" >&2
  return 1
}

for project in Monitoring.Silo Monitoring.Api bench/Monitoring.Bench.Alerting; do
  dotnet build "$root/$project" -c Release -nologo -v q -clp:ErrorsOnly
done
out() { echo "$root/$1/bin/Release/net10.0"; }

# Own cluster ports and ids: a developer's silo on Orleans' default ports must not serve (or join) this run.
cluster=(Cluster__SiloPort="$(free_port)" Cluster__GatewayPort="$(free_port)"
  Cluster__ServiceId="alert-bench-$stamp" Cluster__ClusterId="alert-bench-$stamp")
sink_port="$(free_port)"
silo_port="$(free_port)"
start silo "$(out Monitoring.Silo)" Monitoring.Silo.dll "${cluster[@]}" \
  ConnectionStrings__monitoring="Data Source=$work/monitoring.db" ASPNETCORE_URLS="http://127.0.0.1:$silo_port" \
  Alerting__Receivers__0__Name=bench Alerting__Receivers__0__Type=webhook \
  Alerting__Receivers__0__Url="http://127.0.0.1:$sink_port/hook"
wait_healthy silo "http://127.0.0.1:$silo_port/health"
api_port="$(free_port)"
start api "$(out Monitoring.Api)" Monitoring.Api.dll "${cluster[@]}" ASPNETCORE_URLS="http://127.0.0.1:$api_port"
wait_healthy api "http://127.0.0.1:$api_port/health"

report="$results/alerting-$stamp.txt"
echo "alerting.sh $stamp  commit $(git -C "$root" rev-parse --short HEAD)" >"$report.head"
status=0
dotnet "$(out bench/Monitoring.Bench.Alerting)/Monitoring.Bench.Alerting.dll" --api "http://127.0.0.1:$api_port" \
  --sink-port "$sink_port" --out "$report.body" "$@" || status=$?
cat "$report.head" "$report.body" >"$report" 2>/dev/null && rm -f "$report.head" "$report.body"
exit "$status"

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
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

cleanup() {
  local status=$?
  stop_all
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

for project in Monitoring.Silo Monitoring.Api bench/Monitoring.Bench.Alerting; do
  dotnet build "$root/$project" -c Release -nologo -v q -clp:ErrorsOnly
done

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
start api "$(out Monitoring.Api)" Monitoring.Api.dll "${cluster[@]}" "${no_rate_limits[@]}" ASPNETCORE_URLS="http://127.0.0.1:$api_port"
wait_healthy api "http://127.0.0.1:$api_port/health"

report="$results/alerting-$stamp.txt"
echo "alerting.sh $stamp  commit $(git -C "$root" rev-parse --short HEAD)" >"$report.head"
status=0
dotnet "$(out bench/Monitoring.Bench.Alerting)/Monitoring.Bench.Alerting.dll" --api "http://127.0.0.1:$api_port" \
  --sink-port "$sink_port" --out "$report.body" "$@" || status=$?
cat "$report.head" "$report.body" >"$report" 2>/dev/null && rm -f "$report.head" "$report.body"
exit "$status"

#!/usr/bin/env bash
# Fleet page benchmark: Monitoring.Silo + Monitoring.Api (Release, fresh SQLite file, own cluster ports) filled with
# 1 000 agents, then the fleet page opened in Debian's Chromium. See bench/README.md.
#
#   bench/dashboard.sh [--agents N] [--history-minutes N] [--runs N]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stamp="$(date -u +%Y%m%d-%H%M%S)"
results="$root/bench/results"
mkdir -p "$results"
work="$(mktemp -d "${TMPDIR:-/tmp}/monitoring-dashboard-bench.XXXXXX")"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

cleanup() {
  local status=$?
  stop_all
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v chromium >/dev/null || { echo "dashboard.sh: needs Debian's chromium (apt-get install -y chromium)" >&2; exit 2; }
for project in Monitoring.Silo Monitoring.Api bench/Monitoring.Bench.Dashboard; do
  dotnet build "$root/$project" -c Release -nologo -v q -clp:ErrorsOnly
done

cluster=(Cluster__SiloPort="$(free_port)" Cluster__GatewayPort="$(free_port)" Cluster__ServiceId="bench-$stamp" Cluster__ClusterId="bench-$stamp")
silo_port="$(free_port)"
start silo "$(out Monitoring.Silo)" Monitoring.Silo.dll "${cluster[@]}" \
  ConnectionStrings__monitoring="Data Source=$work/monitoring.db" ASPNETCORE_URLS="http://127.0.0.1:$silo_port"
wait_healthy silo "http://127.0.0.1:$silo_port/health"
api_port="$(free_port)"
start api "$(out Monitoring.Api)" Monitoring.Api.dll "${cluster[@]}" "${no_rate_limits[@]}" ASPNETCORE_URLS="http://127.0.0.1:$api_port"
wait_healthy api "http://127.0.0.1:$api_port/health"

report="$results/dashboard-$stamp.txt"
{
  echo "dashboard.sh $stamp  commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- . 2>/dev/null || echo ' (uncommitted changes)')"
  echo "  $(chromium --version 2>/dev/null), load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  dotnet "$(out bench/Monitoring.Bench.Dashboard)/Monitoring.Bench.Dashboard.dll" --api "http://127.0.0.1:$api_port" \
    --screenshot "$results/dashboard-$stamp.png" "$@"
} | tee "$report"
echo "report: $report"

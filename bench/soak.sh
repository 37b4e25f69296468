#!/usr/bin/env bash
# Soak benchmark: Monitoring.Silo + Monitoring.Api (Release, fresh SQLite file, own cluster ports) fed by a fleet of
# simulated agents at a fixed rate for half an hour, with compaction, rollups and retention running. Memory must stay
# flat, nothing may fail, and history must hold one sample per 2xx. See bench/README.md.
#
#   bench/soak.sh [--agents N] [--interval SECONDS] [--warmup MINUTES] [--minutes N] [generator options...]
#
#   every option goes to bench/Monitoring.Bench.Soak (its --help lists them)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stamp="$(date -u +%Y%m%d-%H%M%S)"
results="$root/bench/results"
mkdir -p "$results"
work="$(mktemp -d "${TMPDIR:-/tmp}/monitoring-soak-bench.XXXXXX")"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

cleanup() {
  local status=$?
  stop_all
  if compgen -G "$work/*.log" >/dev/null; then
    mkdir -p "$results/soak-$stamp"
    cp "$work"/*.log "$results/soak-$stamp/" || true
    find "$results/soak-$stamp" -name '*.log' -size +1M -exec gzip -f {} + || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

projects=(Monitoring.Silo Monitoring.Api bench/Monitoring.Bench.Soak)
echo "building (Release): ${projects[*]}"
for project in "${projects[@]}"; do
  dotnet build "$root/$project" -c Release -nologo -v q -clp:ErrorsOnly
done

cluster=(Cluster__SiloPort="$(free_port)" Cluster__GatewayPort="$(free_port)"
  Cluster__ServiceId="soak-$stamp" Cluster__ClusterId="soak-$stamp")
db="$work/monitoring.db"
silo_port="$(free_port)"
# Raw history is kept one minute past the end of its hour and swept every minute: the hour that ends during the run is
# compacted (2 minutes after its end, the default), then its blocks expire and become the 5-minute tier, with ingest running.
start silo "$(out Monitoring.Silo)" Monitoring.Silo.dll "${cluster[@]}" Retention__History=00:01:00 Retention__SweepInterval=00:01:00 \
  ConnectionStrings__monitoring="Data Source=$db" ASPNETCORE_URLS="http://127.0.0.1:$silo_port"
wait_healthy silo "http://127.0.0.1:$silo_port/health"
api_port="$(free_port)"
start api "$(out Monitoring.Api)" Monitoring.Api.dll "${cluster[@]}" "${no_rate_limits[@]}" ASPNETCORE_URLS="http://127.0.0.1:$api_port"
wait_healthy api "http://127.0.0.1:$api_port/health"

report="$results/soak-$stamp.txt"
{
  echo "soak.sh $stamp  commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- . 2>/dev/null || echo ' (uncommitted changes)')"
  echo "  load average before the run: $(cut -d' ' -f1-3 /proc/loadavg); retention: raw 1 min past its hour, swept every minute"
} | tee "$report"
status=0
dotnet "$(out bench/Monitoring.Bench.Soak)/Monitoring.Bench.Soak.dll" --api "http://127.0.0.1:$api_port" \
  --pid "silo=$silo_pid" --pid "api=$api_pid" --out "$work/generator.txt" "$@" || status=$?
cat "$work/generator.txt" >>"$report" 2>/dev/null || true
errors="$(grep -c -E '^(fail|crit):' "$work"/silo.log "$work"/api.log 2>/dev/null | awk -F: '{ s += $2 } END { print s + 0 }')"
echo "error or critical log entries of silo and API: $errors" | tee -a "$report"
[[ "$errors" == 0 ]] || status=1
echo "whole run: $((SECONDS / 60)) min $((SECONDS % 60)) s; report: $report" | tee -a "$report"
exit "$status"

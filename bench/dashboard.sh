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
pids=()

cleanup() {
  local status=$? pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
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
    if [[ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]]; then echo "$port"; return; fi
  done
  echo "dashboard.sh: no free loopback port found" >&2
  return 1
}

# start NAME DIR DLL [VAR=value...]: runs a built app from its output folder (so it finds its appsettings.json).
start() {
  local name="$1" dir="$2" dll="$3"
  shift 3
  (cd "$dir" && exec env DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production "$@" dotnet "$dll") >"$work/$name.log" 2>&1 &
  pids+=("$!")
}

wait_healthy() {
  local name="$1" url="$2"
  for _ in $(seq 1 600); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "dashboard.sh: $name not healthy at $url; its log:" >&2
  tail -n 40 "$work/$name.log" >&2
  return 1
}

command -v chromium >/dev/null || { echo "dashboard.sh: needs Debian's chromium (apt-get install -y chromium)" >&2; exit 2; }
for project in Monitoring.Silo Monitoring.Api bench/Monitoring.Bench.Dashboard; do
  dotnet build "$root/$project" -c Release -nologo -v q -clp:ErrorsOnly
done
out() { echo "$root/$1/bin/Release/net10.0"; }

cluster=(Cluster__SiloPort="$(free_port)" Cluster__GatewayPort="$(free_port)" Cluster__ServiceId="bench-$stamp" Cluster__ClusterId="bench-$stamp")
silo_port="$(free_port)"
start silo "$(out Monitoring.Silo)" Monitoring.Silo.dll "${cluster[@]}" \
  ConnectionStrings__monitoring="Data Source=$work/monitoring.db" ASPNETCORE_URLS="http://127.0.0.1:$silo_port"
wait_healthy silo "http://127.0.0.1:$silo_port/health"
api_port="$(free_port)"
# The Release output has no static web assets manifest: the API serves wwwroot/ from its project folder.
start api "$root/Monitoring.Api" "$(out Monitoring.Api)/Monitoring.Api.dll" "${cluster[@]}" ASPNETCORE_URLS="http://127.0.0.1:$api_port"
wait_healthy api "http://127.0.0.1:$api_port/health"

report="$results/dashboard-$stamp.txt"
{
  echo "dashboard.sh $stamp  commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- . 2>/dev/null || echo ' (uncommitted changes)')"
  echo "  $(chromium --version 2>/dev/null), load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  dotnet "$(out bench/Monitoring.Bench.Dashboard)/Monitoring.Bench.Dashboard.dll" --api "http://127.0.0.1:$api_port" \
    --screenshot "$results/dashboard-$stamp.png" "$@"
} | tee "$report"
echo "report: $report"

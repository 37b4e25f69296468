#!/usr/bin/env bash
# Amplification benchmark: what a hostile client's megabyte of invalid samples costs the API. The product
# (Monitoring.Silo + Monitoring.Api on a fresh SQLite file, built in Release); CONCURRENT clients post a batch of invalid
# samples just under the 1 MiB body limit, ROUNDS times each; the report gives the answer's size and the API process's
# resident memory before, at its peak (VmHWM) and after. See bench/README.md.
#
#   bench/amplification.sh [--concurrent 8] [--rounds 20]
set -euo pipefail

concurrent=8
rounds=20
while [[ $# -gt 0 ]]; do
  case "$1" in
    --concurrent) concurrent="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "amplification.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stamp="$(date -u +%Y%m%d-%H%M%S)"
results="$root/bench/results"
mkdir -p "$results"
work="$(mktemp -d "${TMPDIR:-/tmp}/monitoring-amplification-bench.XXXXXX")"
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

for project in Monitoring.Silo Monitoring.Api; do
  dotnet build "$root/$project" -c Release -nologo -v q -clp:ErrorsOnly
done

cluster=(Cluster__SiloPort="$(free_port)" Cluster__GatewayPort="$(free_port)"
  Cluster__ServiceId="amplification-bench-$stamp" Cluster__ClusterId="amplification-bench-$stamp")
silo_port="$(free_port)"
start silo "$(out Monitoring.Silo)" Monitoring.Silo.dll "${cluster[@]}" \
  ConnectionStrings__monitoring="Data Source=$work/monitoring.db" ASPNETCORE_URLS="http://127.0.0.1:$silo_port"
wait_healthy silo "http://127.0.0.1:$silo_port/health"
api_port="$(free_port)"
start api "$(out Monitoring.Api)" Monitoring.Api.dll "${cluster[@]}" "${no_rate_limits[@]}" ASPNETCORE_URLS="http://127.0.0.1:$api_port"
wait_healthy api "http://127.0.0.1:$api_port/health"

# One invalid sample: an agent_id of 300 characters, a name of 100 bidi overrides, every number out of range.
sample="{\"agent_id\":\"$(printf 'x%.0s' $(seq 1 300))\",\"agent_name\":\"$(printf '\\u202e%.0s' $(seq 1 100))\","
sample+="\"timestamp\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"system\":{\"cpu_percent\":500,"
sample+="\"memory\":{\"total\":-1,\"available\":-1,\"used\":-1,\"percent\":500},"
sample+="\"disk\":{\"total\":-1,\"used\":-1,\"free\":-1,\"percent\":500}},"
sample+="\"network\":[{\"host\":\"$(printf 'h%.0s' $(seq 1 200))\",\"status\":\"sideways\",\"latency_ms\":-1}]}"
count=$(( 1040000 / (${#sample} + 1) ))
count=$(( count > 1000 ? 1000 : count ))
{
  printf '['
  for i in $(seq 1 "$count"); do
    [[ $i -gt 1 ]] && printf ','
    printf '%s' "$sample"
  done
  printf ']'
} >"$work/batch.json"

rss() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }
report="$results/amplification-$stamp.txt"
before=$(rss "$api_pid" VmRSS)
: >"$work/codes"
for _ in $(seq 1 "$rounds"); do
  clients=()
  for c in $(seq 1 "$concurrent"); do
    curl -s -o "$work/answer-$c.json" -w '%{http_code} %{size_download}\n' -H 'Content-Type: application/json' \
      --data-binary "@$work/batch.json" "http://127.0.0.1:$api_port/api/v1/metrics/batch" >>"$work/codes" &
    clients+=("$!")
  done
  wait "${clients[@]}"
done
after=$(rss "$api_pid" VmRSS)
peak=$(rss "$api_pid" VmHWM)
{
  echo "amplification.sh $stamp  commit $(git -C "$root" rev-parse --short HEAD)"
  echo "batch: $count invalid samples, $(stat -c %s "$work/batch.json") bytes; $concurrent concurrent clients x $rounds rounds"
  echo "answers: $(sort "$work/codes" | uniq -c | awk '{ printf "%s x status %s of %s bytes; ", $1, $2, $3 }')"
  echo "API resident memory: before $((before / 1024)) MiB, peak $((peak / 1024)) MiB, after $((after / 1024)) MiB"
} | tee "$report"

#!/usr/bin/env bash
# Records the bodies our real agent sends on this machine, for bench/history.sh --samples: the agent (Release) reports
# to the baseline endpoint, which appends every sample it receives to a file, one JSON object per line.
#
#   bench/record-agent.sh OUT.jsonl [--minutes N] [--interval SECONDS]     (defaults: 5 minutes at 1 s, as in the notes)
#
# The agent checks three local targets (TCP, HTTP, ICMP), so its bodies carry network checks like a real install's.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
output="${1:-}"
[[ -n "$output" && "$output" != --* ]] || { echo "usage: bench/record-agent.sh OUT.jsonl [--minutes N] [--interval SECONDS]" >&2; exit 2; }
shift
minutes=5
interval=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) minutes="${2:-}"; shift 2 ;;
    --interval) interval="${2:-}"; shift 2 ;;
    *) echo "record-agent.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
[[ "$minutes" =~ ^[0-9]+$ && "$interval" =~ ^[0-9]+$ && "$interval" -gt 0 ]] || { echo "record-agent.sh: --minutes and --interval must be whole numbers" >&2; exit 2; }
output="$(realpath -m "$output")"
mkdir -p "$(dirname "$output")"
work="$(mktemp -d "${TMPDIR:-/tmp}/monitoring-record.XXXXXX")"
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

for project in Monitoring.Agent bench/Monitoring.Bench.Baseline; do
  dotnet build "$root/$project" -c Release -nologo -v q -clp:ErrorsOnly
done

rm -f "$output"
port="$(free_port)"
start baseline "$(out bench/Monitoring.Bench.Baseline)" Monitoring.Bench.Baseline.dll ASPNETCORE_URLS="http://127.0.0.1:$port" Capture__Path="$output"
wait_healthy baseline "http://127.0.0.1:$port/health"
start agent "$(out Monitoring.Agent)" Monitoring.Agent.dll AGENT_ID=recorded SERVER_URL="http://127.0.0.1:$port" \
  COLLECTION_INTERVAL="$interval" SPOOL_DIRECTORY="$work/spool" \
  NETWORK_CHECKS="tcp://127.0.0.1:$port,http://127.0.0.1:$port/health,icmp://127.0.0.1"
echo "recording $minutes min of samples every $interval s into $output"
sleep "$((minutes * 60))"
stop_all
echo "recorded $(wc -l <"$output") samples: $output"

#!/usr/bin/env bash
# Agent footprint: resident memory and CPU of the Native AOT agent at a 10 s interval with three loopback network
# checks, sending every sample to a bare ingest sink. See bench/README.md.
#
#   bench/agent-footprint.sh [--duration SECONDS] [--warmup SECONDS] [--interval SECONDS] [--agent PATH]
#                            [--server URL] [--env VAR=VALUE]...
#
#   --duration SECONDS  measured window after the warm-up (default 300)
#   --warmup SECONDS    time after start that is not measured (default 30)
#   --interval SECONDS  COLLECTION_INTERVAL (default 10)
#   --agent PATH        an agent binary already published; default: publish Monitoring.Agent for linux-x64 first
#   --server URL        send to this running API (e.g. one the AppHost started) instead of the sink; the sink still
#                       answers the tcp and http checks
#   --env VAR=VALUE     one more environment variable for the agent (repeatable), e.g. --env DOTNET_GCgen0size=0x100000
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration=300
warmup=30
interval=10
agent=""
server=""
agent_env=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --interval) interval="$2"; shift 2 ;;
    --agent) agent="$2"; shift 2 ;;
    --server) server="$2"; shift 2 ;;
    --env) agent_env+=("$2"); shift 2 ;;
    *) echo "agent-footprint.sh: unknown option $1 (see the header of this script)" >&2; exit 2 ;;
  esac
done

work="$(mktemp -d "${TMPDIR:-/tmp}/monitoring-footprint.XXXXXX")"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

cleanup() {
  stop_all
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -z "$agent" ]]; then
  echo "publishing the agent (Native AOT, linux-x64)..."
  dotnet publish "$root/Monitoring.Agent" -r linux-x64 -c Release -o "$work/agent" -v quiet -nologo >"$work/publish.log" 2>&1 \
    || { cat "$work/publish.log" >&2; exit 1; }
  agent="$work/agent/Monitoring.Agent"
fi

# The sink answers like the API without storing anything; it is also the target of the tcp and http checks.
echo "building the sink (bench/Monitoring.Bench.Baseline)..."
dotnet build "$root/bench/Monitoring.Bench.Baseline" -c Release -v quiet -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
sink_port="$(free_port)"
start sink "$(out bench/Monitoring.Bench.Baseline)" Monitoring.Bench.Baseline.dll \
  Logging__LogLevel__Default=Warning ASPNETCORE_URLS="http://127.0.0.1:$sink_port"
wait_healthy sink "http://127.0.0.1:$sink_port/health"
server="${server:-http://127.0.0.1:$sink_port}"

checks="tcp://127.0.0.1:$sink_port,icmp://127.0.0.1,http://127.0.0.1:$sink_port/health"
# Debug for the sender only, so the log tells how many samples the server acknowledged.
env AGENT_ID=footprint SERVER_URL="$server" COLLECTION_INTERVAL="$interval" NETWORK_CHECKS="$checks" \
  SPOOL_DIRECTORY="$work/spool" Logging__LogLevel__Monitoring.Agent.Sending=Debug "${agent_env[@]}" \
  "$agent" >"$work/agent.log" 2>&1 &
agent_pid=$!
pids+=("$agent_pid")

ticks_per_second="$(getconf CLK_TCK)"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$agent_pid/stat"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$agent_pid/status"; }

echo "agent pid $agent_pid: interval ${interval}s, checks $checks, server $server"
echo "warm-up ${warmup}s, then ${duration}s measured"
sleep "$warmup"
kill -0 "$agent_pid" 2>/dev/null || { echo "agent-footprint.sh: the agent exited; its log:" >&2; cat "$work/agent.log" >&2; exit 1; }
start_ticks="$(cpu_ticks)"
start_ns="$(date +%s%N)"
rss_samples=()
end=$((SECONDS + duration))
while ((SECONDS < end)); do
  rss_samples+=("$(rss_kib)")
  sleep 1
done
end_ticks="$(cpu_ticks)"
end_ns="$(date +%s%N)"
peak_kib="$(awk '/^VmHWM:/ { print $2 }' "/proc/$agent_pid/status")"
binary_bytes="$(stat -c %s "$agent")"

sorted="$(printf '%s\n' "${rss_samples[@]}" | sort -n)"
count="${#rss_samples[@]}"
median_kib="$(sed -n "$(((count + 1) / 2))p" <<<"$sorted")"
max_kib="$(tail -n 1 <<<"$sorted")"
elapsed_s="$(awk -v a="$start_ns" -v b="$end_ns" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')"
cpu_ticks_used=$((end_ticks - start_ticks))
cpu_percent="$(awk -v t="$cpu_ticks_used" -v hz="$ticks_per_second" -v s="$elapsed_s" 'BEGIN { printf "%.3f", t / hz / s * 100 }')"
acked="$(grep -c 'Server accepted' "$work/agent.log" || true)"

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
echo
echo "binary             $(awk -v b="$binary_bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB ($binary_bytes bytes)"
echo "resident (VmRSS)   median $(mib "$median_kib") MiB, max $(mib "$max_kib") MiB over $count one-second samples; peak since start (VmHWM) $(mib "$peak_kib") MiB"
echo "CPU                $cpu_ticks_used ticks of 1/${ticks_per_second} s in ${elapsed_s} s = ${cpu_percent} % of one core"
echo "samples acknowledged by the server during the whole run: $acked"
if [[ "$server" == "http://127.0.0.1:$sink_port" ]] && ! grep -q 'Server accepted' "$work/agent.log"; then
  echo "agent-footprint.sh: the server acknowledged no sample; the agent's log:" >&2
  tail -n 40 "$work/agent.log" >&2
  exit 1
fi

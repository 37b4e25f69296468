#!/usr/bin/env bash
# Ingest benchmark: the product (Monitoring.Api + Monitoring.Silo on a fresh SQLite file) against a bare Kestrel
# baseline, driven by one generator in one run on this machine. See bench/README.md.
#
#   bench/ingest.sh [--topology two-process|allinone] [--standin] [--log-level LEVEL] [--product-env VAR=VALUE]
#                   [generator options...] (any order)
#
#   --topology T       two-process (default): Monitoring.Api in front of Monitoring.Silo, as the AppHost runs them;
#                      allinone: Monitoring.Silo alone with Silo:ServeApi=true, serving the API in process
#   --standin          no product yet: a second baseline instance plays "ours" (tests the harness; no history check)
#   --get-latest       measure reads instead: GET /api/v1/metrics/{agent_id}/latest against the baseline's bare GET,
#                      after a short write run has posted every agent once to both
#   --peer-victoria    also measure VictoriaMetrics (Debian's victoria-metrics) taking one InfluxDB line-protocol
#                      point per request with the same values, as the peer to beat, in the same run
#   --log-level LEVEL  diagnostic: override Logging:LogLevel:Default of the API and the silo (e.g. Warning);
#                      without it they run with their own configuration
#   --product-env VAR=VALUE  diagnostic: one more environment variable for the API and the silo (repeatable),
#                      e.g. DOTNET_PerfMapEnabled=1 to profile them with perf
#   generator options are passed through, e.g. --duration 30 --rounds 3 --connections 64 --agents 10000
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
standin=0
peer=0
get_latest=0
topology=two-process
product_env=()
passthrough=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --standin) standin=1; shift ;;
    --peer-victoria) peer=1; shift ;;
    --get-latest) get_latest=1; shift ;;
    --topology)
      case "$2" in two-process | allinone) topology="$2" ;; *) echo "ingest.sh: --topology wants two-process or allinone" >&2; exit 2 ;; esac
      shift 2 ;;
    --log-level) product_env+=(Logging__LogLevel__Default="$2"); shift 2 ;;
    --product-env) product_env+=("$2"); shift 2 ;;
    *) passthrough+=("$1"); shift ;;
  esac
done

stamp="$(date -u +%Y%m%d-%H%M%S)"
results="$root/bench/results"
mkdir -p "$results"
work="$(mktemp -d "${TMPDIR:-/tmp}/monitoring-bench.XXXXXX")"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

cleanup() {
  local status=$?
  stop_all
  # Keep the server logs next to the report; the database goes with the temp dir.
  if compgen -G "$work/*.log" >/dev/null; then
    mkdir -p "$results/$stamp"
    cp "$work"/*.log "$results/$stamp/" || true
    find "$results/$stamp" -name '*.log' -size +1M -exec gzip -f {} + || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# One sample through the whole path before the clock starts: health can be green before the first grain call works.
wait_ingest_works() {
  local url="$1" ts
  ts="$(date -u -d '-13 hours' +%Y-%m-%dT%H:%M:%S.000000+00:00)"
  local body="{\"agent_id\":\"agent-probe\",\"agent_name\":\"bench probe\",\"timestamp\":\"$ts\",\"interval_seconds\":60,\"system\":{\"cpu_percent\":1.0,\"memory\":{\"percent\":1.0},\"disk\":{\"percent\":1.0}},\"network\":[]}"
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null --max-time 10 2>/dev/null -H 'Content-Type: application/json' -d "$body" "$url/api/v1/metrics"; then
      echo "ingest answers 200 at $url"
      return 0
    fi
    sleep 0.5
  done
  echo "ingest.sh: POST $url/api/v1/metrics never answered 200" >&2
  return 1
}

projects=(bench/Monitoring.Bench.Baseline bench/Monitoring.Bench.Load)
# Reads come from one address at full speed, far over a caller's query rate; writes keep the API's defaults.
[[ $get_latest -eq 1 ]] && product_env+=("${no_rate_limits[@]}")
if [[ $standin -eq 0 ]]; then
  if [[ ! -d "$root/Monitoring.Api" || ! -d "$root/Monitoring.Silo" ]]; then
    echo "ingest.sh: Monitoring.Api and Monitoring.Silo are not in this tree; use --standin to test the harness alone" >&2
    exit 2
  fi
  projects+=(Monitoring.Silo Monitoring.Api)
fi

echo "building (Release): ${projects[*]}"
for project in "${projects[@]}"; do
  dotnet build "$root/$project" -c Release -nologo -v q -clp:ErrorsOnly
done

baseline_port="$(free_port)"
generator_args=(--baseline "http://127.0.0.1:$baseline_port")

if [[ $standin -eq 1 ]]; then
  ours_port="$(free_port)"
  start standin "$(out bench/Monitoring.Bench.Baseline)" Monitoring.Bench.Baseline.dll \
    ASPNETCORE_URLS="http://127.0.0.1:$ours_port"
  wait_healthy standin "http://127.0.0.1:$ours_port/health"
  generator_args+=(--ours "http://127.0.0.1:$ours_port" --ours-pid "standin=$standin_pid")
else
  # Own cluster ports and ids: a developer's silo on Orleans' default ports must not serve (or join) this run.
  cluster=(Cluster__SiloPort="$(free_port)" Cluster__GatewayPort="$(free_port)"
    Cluster__ServiceId="bench-$stamp" Cluster__ClusterId="bench-$stamp")
  db="$work/monitoring.db"
  silo_port="$(free_port)"
  if [[ $topology == allinone ]]; then
    ours_port="$silo_port"
    product_env+=(Silo__ServeApi=true)
  fi
  start silo "$(out Monitoring.Silo)" Monitoring.Silo.dll "${cluster[@]}" "${product_env[@]}" \
    ConnectionStrings__monitoring="Data Source=$db" ASPNETCORE_URLS="http://127.0.0.1:$silo_port"
  wait_healthy silo "http://127.0.0.1:$silo_port/health"
  generator_args+=(--ours-pid "silo=$silo_pid")
  if [[ $topology == two-process ]]; then
    ours_port="$(free_port)"
    start api "$(out Monitoring.Api)" Monitoring.Api.dll "${cluster[@]}" "${product_env[@]}" ASPNETCORE_URLS="http://127.0.0.1:$ours_port"
    wait_healthy api "http://127.0.0.1:$ours_port/health"
    generator_args+=(--ours-pid "api=$api_pid")
  fi
  wait_ingest_works "http://127.0.0.1:$ours_port"
  rss_before_kib="$(awk '/^VmRSS:/ { print $2 }' "/proc/$silo_pid/status")"
  generator_args+=(--ours "http://127.0.0.1:$ours_port")
  [[ $get_latest -eq 1 ]] || generator_args+=(--db "$db")
fi

start baseline "$(out bench/Monitoring.Bench.Baseline)" Monitoring.Bench.Baseline.dll \
  ASPNETCORE_URLS="http://127.0.0.1:$baseline_port"
wait_healthy baseline "http://127.0.0.1:$baseline_port/health"
generator_args+=(--baseline-pid "baseline=$baseline_pid")

if [[ $peer -eq 1 ]]; then
  command -v victoria-metrics >/dev/null || { echo "ingest.sh: --peer-victoria needs victoria-metrics (apt-get install victoria-metrics)" >&2; exit 2; }
  peer_port="$(free_port)"
  # Its defaults: data buffered in memory and flushed to disk every second (not durable per answer, unlike ours).
  (exec victoria-metrics -storageDataPath="$work/victoria" -httpListenAddr="127.0.0.1:$peer_port" -retentionPeriod=100y) \
    >"$work/victoria.log" 2>&1 &
  pids+=("$!")
  victoria_pid=$!
  wait_healthy victoria "http://127.0.0.1:$peer_port/health"
  generator_args+=(--peer "http://127.0.0.1:$peer_port" --peer-pid "victoria=$victoria_pid")
fi

report="$results/ingest-$stamp.txt"
{
  echo "ingest.sh $stamp  commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- . 2>/dev/null || echo ' (uncommitted changes)')"
  echo "  topology: $topology; product environment overrides: ${product_env[*]:-(none)}"
  echo "  load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$report.head"
if [[ $get_latest -eq 1 ]]; then
  agents=10000
  for ((i = 0; i < ${#passthrough[@]}; i++)); do
    [[ ${passthrough[$i]} == --agents ]] && agents="${passthrough[$((i + 1))]}"
  done
  echo "posting every one of $agents agents once to ours and the baseline before reading"
  dotnet "$(out bench/Monitoring.Bench.Load)/Monitoring.Bench.Load.dll" "${generator_args[@]}" --agents "$agents" \
    --warmup 0 --duration 1 --reposts 0 >/dev/null
  generator_args+=(--get-latest)
fi
echo "running the generator; report -> $report"
status=0
dotnet "$(out bench/Monitoring.Bench.Load)/Monitoring.Bench.Load.dll" "${generator_args[@]}" --out "$report.body" "${passthrough[@]}" || status=$?
cat "$report.head" "$report.body" >"$report" 2>/dev/null && rm -f "$report.head" "$report.body"

if [[ $standin -eq 0 ]]; then
  # Every agent of the run has an active grain now: the silo's memory per active agent.
  rss_kib="$(awk '/^VmRSS:/ { print $2 }' "/proc/$silo_pid/status" 2>/dev/null || echo 0)"
  echo "silo resident memory: $((rss_before_kib / 1024)) MiB before the load, $((rss_kib / 1024)) MiB after it" | tee -a "$report"
  echo "cross-check with sqlite3: samples stored = $(sqlite3 "file:$db?mode=ro" 'SELECT (SELECT count(*) FROM history_head) + (SELECT coalesce(sum(samples), 0) FROM history_blocks)' 2>&1)" | tee -a "$report"
fi
exit "$status"

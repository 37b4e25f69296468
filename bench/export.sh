#!/usr/bin/env bash
# Prometheus export benchmark: Monitoring.Silo + Monitoring.Api (Release, fresh SQLite file, own cluster ports) filled
# with one detailed sample from each of 10 000 agents, then GET /api/v1/export/prometheus timed with Debian's `hey`,
# one scrape at a time as a Prometheus server asks. See bench/README.md.
#
#   bench/export.sh [--agents N] [--requests N] [--concurrency N]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stamp="$(date -u +%Y%m%d-%H%M%S)"
results="$root/bench/results"
mkdir -p "$results"
work="$(mktemp -d "${TMPDIR:-/tmp}/monitoring-export-bench.XXXXXX")"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

agents=10000
requests=200
concurrency=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --agents) agents="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    *) echo "export.sh: unknown option $1 (--agents, --requests, --concurrency)" >&2; exit 2 ;;
  esac
done

cleanup() {
  local status=$?
  stop_all
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v hey >/dev/null || { echo "export.sh: needs Debian's hey (apt-get install -y hey)" >&2; exit 2; }
for project in Monitoring.Silo Monitoring.Api; do
  dotnet build "$root/$project" -c Release -nologo -v q -clp:ErrorsOnly
done

cluster=(Cluster__SiloPort="$(free_port)" Cluster__GatewayPort="$(free_port)" Cluster__ServiceId="bench-$stamp" Cluster__ClusterId="bench-$stamp")
silo_port="$(free_port)"
start silo "$(out Monitoring.Silo)" Monitoring.Silo.dll "${cluster[@]}" \
  ConnectionStrings__monitoring="Data Source=$work/monitoring.db" ASPNETCORE_URLS="http://127.0.0.1:$silo_port"
wait_healthy silo "http://127.0.0.1:$silo_port/health"
api_port="$(free_port)"
api="http://127.0.0.1:$api_port"
start api "$(out Monitoring.Api)" Monitoring.Api.dll "${cluster[@]}" "${no_rate_limits[@]}" ASPNETCORE_URLS="$api"
wait_healthy api "$api/health"

# One sample per agent as the full agent sends it: headline values, CPU detail, load, swap, two mounts, one interface,
# one disk device and two network checks (about 40 series).
python3 - "$api" "$agents" <<'PY'
import concurrent.futures, datetime, json, sys, urllib.request
api, agents = sys.argv[1], int(sys.argv[2])
at = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=30)).isoformat()
def post(n):
    body = {
        "agent_id": f"agent-{n:05d}", "agent_name": f"bench {n:05d}", "timestamp": at,
        "system": {
            "cpu_percent": n % 100 + 0.5,
            "cpu": {"count": 4, "per_core": [10, 20, 30, 40], "user": 8, "system": 3, "iowait": 1, "steal": 0},
            "load": {"load1": 0.5, "load5": 0.25, "load15": 0.125},
            "memory": {"total": 8_000_000_000, "available": 4_000_000_000, "used": 4_000_000_000, "percent": 50},
            "swap": {"total": 2_000_000_000, "used": 0, "free": 2_000_000_000, "percent": 0},
            "disk": {"total": 100_000_000_000, "used": 40_000_000_000, "free": 60_000_000_000, "percent": 40},
            "disks": [
                {"mount": "/", "device": "/dev/sda1", "fstype": "ext4", "total": 100, "used": 40, "free": 60, "percent": 40, "inodes_percent": 5},
                {"mount": "/home", "device": "/dev/sda2", "fstype": "xfs", "total": 200, "used": 190, "free": 10, "percent": 95, "inodes_percent": 1},
            ],
            "disk_io": [{"device": "sda", "read_bytes_per_sec": 4096, "write_bytes_per_sec": 8192}],
            "interfaces": [{"name": "eth0", "rx_bytes_per_sec": 1000, "tx_bytes_per_sec": 500, "rx_packets_per_sec": 10,
                            "tx_packets_per_sec": 5, "rx_errors_per_sec": 0, "tx_errors_per_sec": 0, "rx_drops_per_sec": 0, "tx_drops_per_sec": 0}],
            "uptime_seconds": 3600,
        },
        "network": [
            {"host": "db.internal", "port": 5432, "status": "up", "latency_ms": 1.2},
            {"url": "https://example.org/health", "status_code": 200, "status": "up", "latency_ms": 80},
        ],
    }
    request = urllib.request.Request(api + "/api/v1/metrics", json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status
with concurrent.futures.ThreadPoolExecutor(32) as pool:
    statuses = list(pool.map(post, range(agents)))
bad = [s for s in statuses if s != 200]
if bad:
    sys.exit(f"export.sh: {len(bad)} of {agents} samples were not answered 200")
print(f"filled {agents} agents")
PY

url="$api/api/v1/export/prometheus"
curl -fsS -o "$work/export.txt" "$url"
report="$results/export-$stamp.txt"
{
  echo "export.sh $stamp  commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- . 2>/dev/null || echo ' (uncommitted changes)')"
  echo "  $(nproc) cores, load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "  $agents agents: $(grep -c '^monitoring_agent_up{' "$work/export.txt") in the export, $(grep -vc '^#' "$work/export.txt") lines, $(stat -c %s "$work/export.txt") bytes"
  # Warm-up: JIT, the store's page cache and the exposition's name cache.
  hey -n 20 -c 1 "$url" >/dev/null
  hey -n "$requests" -c "$concurrency" "$url" | sed -n '/Summary:/,/Status code distribution:/p;/\[200\]/p'
} | tee "$report"
echo "report: $report"

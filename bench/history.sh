#!/usr/bin/env bash
# History benchmark: Monitoring.Silo + Monitoring.Api (Release, fresh SQLite file, own cluster ports) loaded with weeks
# of full agent samples, then the database's size on disk, history query latency over HTTP and the silo's memory,
# side by side in one run. See bench/README.md.
#
#   bench/history.sh [--agents N] [--days N] [--interval SECONDS] [--queries N] [generator options...]
#
#   every option goes to bench/Monitoring.Bench.History (its --help lists them); --days also sets the silo's retention
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
days=7
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [[ "${args[i]}" == --days && $((i + 1)) -lt ${#args[@]} ]]; then
    days="${args[i + 1]}"
  fi
done
[[ "$days" =~ ^[0-9]+$ ]] || { echo "history.sh: --days must be a whole number, not '$days'" >&2; exit 2; }

stamp="$(date -u +%Y%m%d-%H%M%S)"
results="$root/bench/results"
mkdir -p "$results"
work="$(mktemp -d "${TMPDIR:-/tmp}/monitoring-history-bench.XXXXXX")"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

cleanup() {
  local status=$?
  stop_all
  # Keep the server logs next to the report; the database goes with the temp dir.
  if compgen -G "$work/*.log" >/dev/null; then
    mkdir -p "$results/history-$stamp"
    cp "$work"/*.log "$results/history-$stamp/" || true
    find "$results/history-$stamp" -name '*.log' -size +1M -exec gzip -f {} + || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v sqlite3 >/dev/null || { echo "history.sh: needs the sqlite3 CLI (apt-get install -y sqlite3)" >&2; exit 2; }

projects=(Monitoring.Silo Monitoring.Api bench/Monitoring.Bench.History)
echo "building (Release): ${projects[*]}"
for project in "${projects[@]}"; do
  dotnet build "$root/$project" -c Release -nologo -v q -clp:ErrorsOnly
done

# Own cluster ports and ids: a developer's silo on Orleans' default ports must not serve (or join) this run.
cluster=(Cluster__SiloPort="$(free_port)" Cluster__GatewayPort="$(free_port)"
  Cluster__ServiceId="bench-$stamp" Cluster__ClusterId="bench-$stamp")
db="$work/monitoring.db"
silo_port="$(free_port)"
# Retention keeps every loaded day, however long the run takes; every hour of the backfill is compacted once it has ended.
start silo "$(out Monitoring.Silo)" Monitoring.Silo.dll "${cluster[@]}" Retention__History="$((days + 30)).00:00:00" History__CompactionDelay=00:00:00 \
  ConnectionStrings__monitoring="Data Source=$db" ASPNETCORE_URLS="http://127.0.0.1:$silo_port"
wait_healthy silo "http://127.0.0.1:$silo_port/health"
api_port="$(free_port)"
start api "$(out Monitoring.Api)" Monitoring.Api.dll "${cluster[@]}" "${no_rate_limits[@]}" ASPNETCORE_URLS="http://127.0.0.1:$api_port"
wait_healthy api "http://127.0.0.1:$api_port/health"

report="$results/history-$stamp.txt"
{
  echo "history.sh $stamp  commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- . 2>/dev/null || echo ' (uncommitted changes)')"
  echo "  load average before the run: $(cut -d' ' -f1-3 /proc/loadavg); sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
} | tee "$report"
status=0
dotnet "$(out bench/Monitoring.Bench.History)/Monitoring.Bench.History.dll" --api "http://127.0.0.1:$api_port" \
  --pid "silo=$silo_pid" --pid "api=$api_pid" --out "$work/generator.txt" "$@" || status=$?
cat "$work/generator.txt" >>"$report" 2>/dev/null || true
[[ -s "$work/generator.txt" ]] || exit "$status"

# The disk is measured with nothing running: the silo's last connection has checkpointed, the TRUNCATE makes sure.
stop_all
{
  echo ""
  size() { stat -c %s "$1" 2>/dev/null || echo 0; }
  echo "disk, silo and API stopped: monitoring.db $(size "$db") B, -wal $(size "$db-wal") B before the checkpoint"
  sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
  rows="$(sqlite3 "$db" 'SELECT (SELECT count(*) FROM history_head) + (SELECT coalesce(sum(samples), 0) FROM history_blocks);')"
  acknowledged="$(awk '/^samples acknowledged:/ { print $3 }' "$work/generator.txt")"
  bytes="$(size "$db")"
  echo "  after PRAGMA wal_checkpoint(TRUNCATE): monitoring.db $bytes B, -wal $(size "$db-wal") B;" \
    "page size $(sqlite3 "$db" 'PRAGMA page_size;') B, free pages $(sqlite3 "$db" 'PRAGMA freelist_count;')"
  echo "  samples stored $rows (head rows + block samples): $(awk -v b="$bytes" -v r="$rows" 'BEGIN { printf "%.0f", r ? b / r : 0 }') B of database file per stored sample"
  if [[ "$rows" == "$acknowledged" ]]; then
    echo "  stored = acknowledged ($rows): OK"
  else
    echo "  stored $rows != acknowledged $acknowledged: FAILED"
    status=1
  fi
  if sqlite3 "$db" 'SELECT 1 FROM dbstat LIMIT 1;' >/dev/null 2>&1; then
    echo "  per table and index (dbstat):"
    printf '    %-40s %10s %14s %12s %14s\n' name pages bytes "B/sample" "payload B"
    sqlite3 -separator ' ' "$db" 'SELECT name, pageno, pgsize, payload FROM dbstat WHERE aggregate = TRUE ORDER BY pgsize DESC;' |
      awk -v r="$rows" '{ printf "    %-40s %10d %14d %12.1f %14d\n", $1, $2, $3, r ? $3 / r : 0, $4 }'
  elif command -v sqlite3_analyzer >/dev/null; then
    sqlite3_analyzer "$db" >"$results/history-$stamp-analyzer.txt"
    echo "  this sqlite3 has no dbstat table; sqlite3_analyzer's report: $results/history-$stamp-analyzer.txt"
  else
    echo "  per table and index: skipped (this sqlite3 has no dbstat table and sqlite3_analyzer is not installed)"
  fi
  echo "whole run (build, start, load, queries, disk): $((SECONDS / 60)) min $((SECONDS % 60)) s"
} >"$work/disk.txt"
tee -a "$report" <"$work/disk.txt"
echo "report: $report"
exit "$status"

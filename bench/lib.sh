# Shared by the bench scripts, which source it after setting `root` (the repository) and `work` (their temp folder,
# where every process they start logs to NAME.log). Processes are stopped by PID, never by name.

bench_script="$(basename "$0")"
pids=()

# Rate limits far above any load generator's: one address loading weeks of history or reading at full speed is not the
# fleet of clients the API's defaults are for. bench/ingest.sh writes with the defaults (10 000 agents stay far under them).
no_rate_limits=(RateLimits__IngestSamplesPerSecond=1000000 RateLimits__IngestBurstSamples=10000000
  RateLimits__QueriesPerSecond=1000000 RateLimits__QueryBurst=10000000
  RateLimits__LiveStreamsPerClient=100000 RateLimits__LiveStreamsTotal=100000)

# stop_all: TERM every process started here, give each 10 s, then KILL it.
stop_all() {
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$bench_script: process $pid did not stop on TERM; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  pids=()
}

# free_port: a loopback port nothing listens on.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 30000))
    if [[ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]]; then
      echo "$port"
      return
    fi
  done
  echo "$bench_script: no free loopback port found" >&2
  return 1
}

# start NAME DIR DLL [VAR=value...]: runs a built app from DIR (so it finds its appsettings.json and content) and sets
# NAME_pid (a dash in NAME becomes an underscore).
start() {
  local name="$1" dir="$2" dll="$3"
  shift 3
  (cd "$dir" && exec env DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production "$@" dotnet "$dll") \
    >"$work/$name.log" 2>&1 &
  pids+=("$!")
  printf -v "${name//-/_}_pid" '%s' "$!"
  echo "started $name (pid $!)"
}

# wait_healthy NAME URL: until URL answers 2xx; fails with the tail of NAME's log if its process exits or after 120 s.
wait_healthy() {
  local name="$1" url="$2" pid_variable="${1//-/_}_pid"
  local pid="${!pid_variable}"
  for _ in $(seq 1 600); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$bench_script: $name exited before it was healthy; its log:" >&2
      tail -n 40 "$work/$name.log" >&2
      return 1
    fi
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
      echo "$name healthy at $url"
      return 0
    fi
    sleep 0.2
  done
  echo "$bench_script: $name not healthy at $url after 120 s; its log:" >&2
  tail -n 40 "$work/$name.log" >&2
  return 1
}

# out PROJECT: the project's Release build output.
out() { echo "$root/$1/bin/Release/net10.0"; }

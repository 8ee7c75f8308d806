# Shared by scripts/peer/run and scripts/peer/interop (sourced, not run): starting and stopping the
# LLM simulator, the Python hermes-agent API server and our `hermes gateway` on loopback.
# Needs .venv-peer (scripts/peer/setup) and release builds of hermes and hermes-bench.
# The caller sets $scenario (a scenario file, or empty for the simulator's defaults).

bench=.build/release/hermes-bench

# What both scripts need: the Python peer, the system packages, release builds of ours (their
# output is shown only when a build fails). Done once: scripts/peer/run's interop step inherits it.
prepare() {
    [[ -n "${PEER_PREPARED:-}" ]] && return 0
    scripts/peer/setup
    scripts/bootstrap
    local product
    for product in hermes-bench hermes; do
        swift build -c release --product "$product" > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
    done
    export PEER_PREPARED=1
}

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
# Ctrl-C or a kill still stops every server: they run in the background, where SIGINT is ignored.
trap 'exit 130' INT
trap 'exit 143' TERM

# The API key both servers require; session continuation (X-Hermes-Session-Id) needs one in Python.
key="peer-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Starts the LLM simulator (with the scenario's llm: section, if any); sets $llm to its /v1 URL.
start_llm() {
    local options=()
    [[ -n "${scenario:-}" ]] && options=(--scenario "$scenario")
    "$bench" sim llm --port 0 "${options[@]}" > "$work/llm.out" 2>/dev/null &
    pids+=($!)
    for _ in $(seq 1 100); do grep -q listening "$work/llm.out" && break; sleep 0.05; done
    llm=$(awk '/listening on/ { print $3 }' "$work/llm.out")
    [[ -n "$llm" ]] || { echo "scripts/peer: the LLM simulator did not start" >&2; exit 1; }
}
sim_stats() { curl -sf "${llm%/v1}/sim/stats"; }

# The settings file both sides read from their HERMES_HOME: one config.yaml in Python's keys (the
# model, the same admission limit as ours: 64 turns at once, Python's default is 10, the
# scenario's compression: section under Python's names, and the same tools: the API server's
# toolsets are the seven both implement, so each side sends the model the same tool schemas,
# where Python's default would add browser, vision, code execution and others we do not have).
write_config() {
    .venv-peer/bin/python - "${scenario:-}" "$llm" "$1" <<'PY'
import sys, yaml
scenario, llm, path = sys.argv[1:]
compression = (yaml.safe_load(open(scenario)) or {}).get("compression") if scenario else None
config = {"model": {"provider": "custom", "base_url": llm, "default": "hermes-sim"},
          "gateway": {"api_server": {"max_concurrent_runs": 64}},
          "platform_toolsets": {"api_server": ["web", "terminal", "file", "skills", "todo", "memory", "session_search"]}}
if compression:
    config["model"]["context_length"] = compression["context_length"]
    names = {"threshold": "threshold", "protect_first": "protect_first_n",
             "protect_last": "protect_last_n", "target_ratio": "target_ratio"}
    config["compression"] = {names[key]: value for key, value in compression.items() if key in names}
yaml.safe_dump(config, open(path, "w"))
PY
}

# Picks a free loopback port for the next server: sets $port and $url.
next_port() {
    port=$(free_port)
    url="http://127.0.0.1:$port"
}

# start_python HOME: the Python API server on $port with HERMES_HOME=HOME (its state.db is
# HOME/state.db). Sets $server (its pid, also added to $pids) and writes the moment it was
# started (`date +%s.%N`) to $work/started. It runs as from an activated virtualenv (its python3
# first on PATH, as for ours, so that both probe the same toolchain), and with a dummy
# TAVILY_API_KEY that makes it offer its web tools (never called), as ours offers them.
start_python() {
    local home=$1
    mkdir -p "$home"
    write_config "$home/config.yaml"
    date +%s.%N > "$work/started"
    HERMES_HOME="$home" API_SERVER_ENABLED=true API_SERVER_KEY="$key" API_SERVER_HOST=127.0.0.1 \
        API_SERVER_PORT="$port" OPENAI_API_KEY=sk-simulator PATH="$PWD/.venv-peer/bin:$PATH" \
        TAVILY_API_KEY=dummy-key-peer-web-tools-never-called \
        .venv-peer/bin/hermes gateway run > "$home/server.log" 2>&1 &
    server=$!
    pids+=("$server")
}

# start_swift HOME: our gateway on $port with HERMES_HOME=HOME, reading the same config.yaml and
# HOME/state.db, with the same PATH; does what start_python does.
start_swift() {
    local home=$1
    mkdir -p "$home"
    write_config "$home/config.yaml"
    date +%s.%N > "$work/started"
    HERMES_HOME="$home" API_SERVER_KEY="$key" API_SERVER_HOST=127.0.0.1 API_SERVER_PORT="$port" \
        PATH="$PWD/.venv-peer/bin:$PATH" .build/release/hermes gateway > "$home/server.out" 2> "$home/server.log" &
    server=$!
    pids+=("$server")
}

# Stops $server and waits until it has exited (so its database is closed).
stop_server() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }

# Waits (up to about two minutes) until $url answers GET /health.
wait_ready() {
    for _ in $(seq 1 2400); do
        curl -sf -m 5 -o /dev/null "$url/health" && return 0
        sleep 0.05
    done
    echo "scripts/peer: $url never became healthy" >&2
    return 1
}

# The start-up probe. arm_probe starts, before the server, a process that polls $url with a chat
# turn every 10 ms (a refused connection costs microseconds) and returns once it is ready to, so
# neither its own start nor its polling blurs the figure by more than 10 ms; probe_result waits
# for the first answered turn and sets $startup to the seconds since $work/started.
arm_probe() {
    rm -f "$work/probe-ready" "$work/started"
    python3 - "$url" "$key" "$work" > "$work/startup" <<'PY' &
import json, pathlib, sys, time, urllib.request
url, key, work = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
body = json.dumps({"model": "hermes-agent", "messages": [{"role": "user", "content": "hello"}]}).encode()
request = urllib.request.Request(url + "/v1/chat/completions", data=body, headers={
    "Authorization": "Bearer " + key, "Content-Type": "application/json"})
(work / "probe-ready").touch()
deadline = time.time() + 120
while time.time() < deadline:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            if response.status == 200:
                print(round(time.time() - float((work / "started").read_text()), 3))
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.01)
sys.exit(f"scripts/peer: {url} never answered a chat turn")
PY
    probe=$!
    pids+=("$probe")
    for _ in $(seq 1 500); do [[ -e "$work/probe-ready" ]] && return 0; sleep 0.01; done
    echo "scripts/peer: the start-up probe did not start" >&2
    return 1
}
probe_result() {
    wait "$probe" || { echo "scripts/peer: no start-up figure for $url" >&2; return 1; }
    startup=$(cat "$work/startup")
}

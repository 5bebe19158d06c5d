#!/usr/bin/env bash
# Starts every server of the assistant and waits until each is healthy:
#   action server :5055, Rasa server :5005 (REST + socket.io), web page :8080, review console :8081.
# One Ctrl-C stops them all; a port already in use is reported by number.
set -uo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1 PYTHONWARNINGS=ignore
BIN=.venv/bin
LOGS=var/log
mkdir -p "$LOGS"

ACTIONS_PORT=${ACTIONS_PORT:-5055}
RASA_PORT=${RASA_PORT:-5005}
WEB_PORT=${WEB_PORT:-8080}
CONSOLE_PORT=${CONSOLE_PORT:-8081}

names=(); pids=()

stop_all() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    echo; echo "Stopping: ${names[*]}"
    for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null; done
    for _ in $(seq 1 40); do
      alive=0
      for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      [ $alive -eq 0 ] && break
      sleep 0.25
    done
    for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null; done
  fi
}
trap 'stop_all; exit 130' INT TERM
trap 'stop_all' EXIT

port_free() {
  "$BIN/python" - "$1" <<'PY'
import socket, sys
sock = socket.socket()
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    sock.bind(("0.0.0.0", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PY
}

start() {  # name port-variable health-url command...
  local name=$1 port_var=$2 url=$3; shift 3
  local port=${!port_var}
  if ! port_free "$port"; then
    echo "error: port $port is already in use, so the $name cannot start." >&2
    echo "  Stop what uses it ('ss -ltnp | grep :$port'), or pick another port: make run $port_var=<port>" >&2
    exit 1
  fi
  setsid "$@" >"$LOGS/$name.log" 2>&1 &
  names+=("$name"); pids+=($!)
  echo "Starting the $name on :$port (log: $LOGS/$name.log)"
  WAIT_URLS+=("$name|$url|$!")
}

wait_healthy() {
  local entry name url pid deadline
  for entry in "${WAIT_URLS[@]}"; do
    IFS='|' read -r name url pid <<<"$entry"
    deadline=$(( $(date +%s) + 300 ))
    until curl -fsS -o /dev/null "$url"; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "error: the $name stopped while starting; last lines of $LOGS/$name.log:" >&2
        tail -n 20 "$LOGS/$name.log" >&2
        exit 1
      fi
      if [ "$(date +%s)" -ge "$deadline" ]; then
        echo "error: the $name did not become healthy at $url within 300 s" >&2; exit 1
      fi
      sleep 0.5
    done
    echo "  $name is healthy ($url)"
  done
}

WAIT_URLS=()
# Origins allowed to call Rasa from a browser: our web page, or CORS_ORIGINS (space-separated).
read -r -a CORS <<<"${CORS_ORIGINS:-http://localhost:$WEB_PORT http://127.0.0.1:$WEB_PORT}"
start "action-server" ACTIONS_PORT "http://127.0.0.1:$ACTIONS_PORT/health" \
  "$BIN/rasa" run actions --port "$ACTIONS_PORT"
start "rasa-server" RASA_PORT "http://127.0.0.1:$RASA_PORT/webhooks/rest/" \
  "$BIN/rasa" run --model models/assistant.tar.gz --port "$RASA_PORT" \
  --endpoints endpoints.yml --credentials credentials.yml --cors "${CORS[@]}"
if [ -f web/server.py ]; then
  start "web-page" WEB_PORT "http://127.0.0.1:$WEB_PORT/healthz" \
    "$BIN/python" -m web.server --port "$WEB_PORT" --rasa-url "${RASA_PUBLIC_URL:-http://localhost:$RASA_PORT}"
fi
if [ -f console/__main__.py ]; then
  start "review-console" CONSOLE_PORT "http://127.0.0.1:$CONSOLE_PORT/login" \
    "$BIN/python" -m console --port "$CONSOLE_PORT"
fi
wait_healthy

cat <<MSG

The assistant is ready.
  Web chat for parents:   http://localhost:$WEB_PORT
  REST:                   curl -s localhost:$RASA_PORT/webhooks/rest/webhook -d '{"sender":"me","message":"what is colostrum?"}'
  Terminal chat:          .venv/bin/rasa shell   (in another terminal)
  Trainers' console:      http://localhost:$CONSOLE_PORT   (create an account: make review-user)
Press Ctrl-C to stop everything.
MSG

# Stay up until Ctrl-C, or until any server stops on its own.
while true; do
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "error: the ${names[$i]} stopped; see $LOGS/${names[$i]}.log" >&2
      exit 1
    fi
  done
  sleep 1
done

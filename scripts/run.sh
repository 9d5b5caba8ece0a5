#!/usr/bin/env bash
# usage: scripts/run.sh [single|cluster]
# Start the policy API, the action server, Rasa, the event record, the handoff hub, the reminder scheduler and the voice gateway
# under supervisord (scripts/supervisord.conf): a service that crashes is restarted and the others keep serving.
# "Ready" is printed only when every service answers its health check; Ctrl-C stops them all.
#   single  (`make run`)      one process each, Rasa's conversations in memory.
#   cluster (`make cluster`)  the production topology on this host: 2 Rasa replicas (trackers in PostgreSQL,
#                             locks in Redis: bot/endpoints.docker.yml, as in docker-compose and k8s), 2 action
#                             servers, HAProxy in front of both (deploy/haproxy/cluster.cfg), 2 policy-API and
#                             2 hub workers, all on PostgreSQL database $POSTGRES_DB (created when missing).
# This is the demo install: its secrets are random, made once per install in $DESK_VAR_DIR/secrets.env (mode 600).
set -euo pipefail
profile="${1:-single}"
case "$profile" in single|cluster) ;; *) echo "usage: $0 [single|cluster]" >&2; exit 2 ;; esac
export DESK_PROFILE="$profile"
cd "$(dirname "$0")/.."
export DESK_ROOT="$PWD"
# Everything this install writes (secrets, logs, the supervisor's socket, Rasa's event record).
default_var="var"; [ "$profile" = single ] || default_var="var/$profile"
DESK_VAR_DIR="$(mkdir -p "${DESK_VAR_DIR:-$default_var}/log" && cd "${DESK_VAR_DIR:-$default_var}" && pwd)"
export DESK_VAR_DIR
.venv/bin/python -m service_auth.demo "$DESK_VAR_DIR/secrets.env"
set -a; . "$DESK_VAR_DIR/secrets.env"; set +a
export DESK_DEMO_MODE=1
# Rasa and the action server import bot/ and service_auth/ from here.
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 HF_HUB_OFFLINE=1
# One TensorFlow thread for Rasa: on a 2-core host the action server and the API need the other core.
export TF_INTRA_OP_PARALLELISM_THREADS="${TF_INTRA_OP_PARALLELISM_THREADS:-1}" TF_INTER_OP_PARALLELISM_THREADS="${TF_INTER_OP_PARALLELISM_THREADS:-1}"
export POLICY_API_PORT="${POLICY_API_PORT:-8001}" ACTIONS_PORT="${ACTIONS_PORT:-5055}" RASA_PORT="${RASA_PORT:-5005}"
export VOICE_PORT="${VOICE_PORT:-8002}" HANDOFF_PORT="${HANDOFF_PORT:-8000}"
export POLICY_API_URL="${POLICY_API_URL:-http://127.0.0.1:$POLICY_API_PORT}"
# The action server posts handoffs to the hub; the hub relays chat to Rasa; reminders go through the hub.
export HANDOFF_HUB_URL="${HANDOFF_HUB_URL:-http://127.0.0.1:$HANDOFF_PORT/api/handoffs}"
export RASA_URL="${RASA_URL:-http://127.0.0.1:$RASA_PORT}"
export OUTREACH_HUB_URL="${OUTREACH_HUB_URL:-http://127.0.0.1:$HANDOFF_PORT}"
# E-policy download links and the 验真 QR code point the customer's browser at the hub.
export HUB_PUBLIC_URL="${HUB_PUBLIC_URL:-http://127.0.0.1:$HANDOFF_PORT}"
# The hub reaches the call transcripts and Rasa's event record for a customer's export and erasure.
export VOICE_URL="${VOICE_URL:-http://127.0.0.1:$VOICE_PORT}"
# Rasa publishes its events to the machine's RabbitMQ; the event record writes them to RASA_EVENTS_URL.
# guest/guest is RabbitMQ's own local default: accepted in this demo install only (DESK_DEMO_MODE).
export RABBITMQ_HOST="${RABBITMQ_HOST:-127.0.0.1}" RABBITMQ_PORT="${RABBITMQ_PORT:-5672}"
export RABBITMQ_USER="${RABBITMQ_USER:-guest}" RABBITMQ_PASSWORD="${RABBITMQ_PASSWORD:-guest}"
# Two installs on one broker (a second checkout, the tests) each name their own exchange and queue.
export EVENT_RECORD_EXCHANGE="${EVENT_RECORD_EXCHANGE:-rasa-exchange}" EVENT_RECORD_QUEUE="${EVENT_RECORD_QUEUE:-desk_events}"
# The cluster's Rasa reads bot/endpoints.docker.yml, whose event broker takes the RabbitMQ address above.
if [ "$profile" = cluster ]; then . scripts/cluster.sh; fi
export RASA_EVENTS_URL="${RASA_EVENTS_URL:-sqlite:///$DESK_VAR_DIR/rasa-events.db}"
# Two hub processes (state and events are in Redis): a burst of handoffs gets both cores.
export HANDOFF_WORKERS="${HANDOFF_WORKERS:-2}"
# Quick failures in a row before supervisord gives up on a service (it waits 1 s, 2 s, ... between them).
export DESK_START_RETRIES="${DESK_START_RETRIES:-10}"

if ! .venv/bin/python -c "import redis, os; redis.Redis.from_url(os.environ.get('REDIS_URL', 'redis://127.0.0.1:6379/0')).ping()" 2>/dev/null; then
  echo "The handoff hub needs Redis (REDIS_URL, default redis://127.0.0.1:6379/0): start redis-server first." >&2
  exit 1
fi
if [ "$profile" = single ]; then
  export RASA_REPLICAS=1 RASA_REPLICA_PORT="$RASA_PORT" ACTIONS_REPLICAS=1 ACTIONS_REPLICA_PORT="$ACTIONS_PORT"
  # This install's action server, RabbitMQ port, exchange and queue in Rasa's endpoints.
  export RASA_ENDPOINTS="$DESK_VAR_DIR/endpoints.yml"
  sed -e "s|127.0.0.1:5055|127.0.0.1:$ACTIONS_PORT|" -e "s|port: 5672|port: $RABBITMQ_PORT|" \
    -e "s|exchange_name: rasa-exchange|exchange_name: $EVENT_RECORD_EXCHANGE|" -e "s|- desk_events|- $EVENT_RECORD_QUEUE|" \
    bot/endpoints.yml > "$RASA_ENDPOINTS"
  # service name (as in supervisord.conf) and the URL that answers once it serves; Rasa's / answers once its model is loaded.
  health=("policy_api http://127.0.0.1:$POLICY_API_PORT/health" "actions http://127.0.0.1:$ACTIONS_PORT/health"
          "rasa http://127.0.0.1:$RASA_PORT/")
  talk="set -a; . $DESK_VAR_DIR/secrets.env; set +a; .venv-rasa/bin/rasa shell -p 5006 --endpoints $RASA_ENDPOINTS -m models/current.tar.gz"
fi
health+=("handoff http://127.0.0.1:$HANDOFF_PORT/health" "voice http://127.0.0.1:$VOICE_PORT/health" "outreach -"
        "event_record -")

supervisor=(.venv/bin/supervisorctl -s "unix://$DESK_VAR_DIR/supervisor.sock")
# An earlier run of this install holds the supervisor's socket and the ports until all its services have exited,
# which takes seconds after Ctrl-C or `supervisorctl shutdown` (Rasa's shutdown, each service's stop timeout):
# wait for one that is stopping; one that is still serving is named, with how to stop it.
earlier_run() {  # the pid of this install's supervisord, if one is alive
  local pid
  pid=$(cat "$DESK_VAR_DIR/supervisord.pid" 2>/dev/null) && grep -qs supervisord "/proc/$pid/cmdline" && echo "$pid"
}
if earlier=$(earlier_run); then
  if "${supervisor[@]}" pid >/dev/null 2>&1; then
    echo "make run: this install is already running (supervisord pid $earlier, $DESK_VAR_DIR). Stop it first: ${supervisor[*]} shutdown" >&2
    exit 1
  fi
  echo "make run: waiting for the earlier run of this install (supervisord pid $earlier) to finish stopping..."
  for _ in $(seq 60); do earlier_run >/dev/null || break; sleep 1; done
  if earlier=$(earlier_run); then
    echo "make run: the earlier run (supervisord pid $earlier) has not stopped; stop it with: kill $earlier" >&2
    exit 1
  fi
fi
log_start=$(( $(wc -l < "$DESK_VAR_DIR/log/supervisord.log" 2>/dev/null || echo 0) + 1 ))
.venv/bin/supervisord -c scripts/supervisord.conf &
supervisord_pid=$!
stop() { kill -TERM "$supervisord_pid" 2>/dev/null || true; wait "$supervisord_pid" 2>/dev/null || true; }
trap stop EXIT INT TERM

echo "Starting ($profile): policy API :$POLICY_API_PORT (docs /docs), actions :$ACTIONS_PORT, Rasa :$RASA_PORT, handoff hub :$HANDOFF_PORT, reminders, voice :$VOICE_PORT (logs in $DESK_VAR_DIR/log/)"
failed() {  # a service supervisord gave up on (FATAL) or could not start: say which, and show why
  local log="$DESK_VAR_DIR/log/${1#*:}.log"  # a replica (rasa:rasa_5011) logs under its own name
  echo "make run: the $1 service failed to start (supervisord: $2). Its last log lines ($log):" >&2
  tail -n 25 "$log" >&2 || true
  exit 1
}
deadline=$((SECONDS + ${DESK_START_TIMEOUT_S:-600}))
pending=("${health[@]}")
while [ "${#pending[@]}" -gt 0 ]; do
  kill -0 "$supervisord_pid" 2>/dev/null || { echo "make run: supervisord stopped; see $DESK_VAR_DIR/log/supervisord.log" >&2; exit 1; }
  still=()
  for entry in "${pending[@]}"; do
    name="${entry%% *}" url="${entry#* }"
    state=$("${supervisor[@]}" status "$name" 2>/dev/null | awk '{print $2}' || true)
    case "$state" in FATAL|EXITED) failed "$name" "$state" ;; esac
    # A service that dies after it got going is restarted for ever by supervisord; twice before it ever
    # answered is no passing hiccup (a taken port, a broken configuration): say so now.
    exits=$(tail -n "+$log_start" "$DESK_VAR_DIR/log/supervisord.log" 2>/dev/null | grep -c "exited: ${name#*:} " || true)
    [ "$exits" -lt 2 ] || failed "$name" "exited $exits times before it answered"
    if [ "$url" = - ]; then [ "$state" = RUNNING ] || still+=("$entry"); continue; fi
    curl -sf -o /dev/null --max-time 2 "$url" || still+=("$entry")
  done
  pending=("${still[@]+"${still[@]}"}")
  [ "${#pending[@]}" -eq 0 ] && break
  if [ "$SECONDS" -ge "$deadline" ]; then
    for entry in "${pending[@]}"; do failed "${entry%% *}" "no answer at ${entry#* } after ${DESK_START_TIMEOUT_S:-600} s"; done
  fi
  sleep 1
done
cat <<MSG
Ready. Chat page (customer):  http://127.0.0.1:$HANDOFF_PORT/chat
Console (agents/supervisor):  http://127.0.0.1:$HANDOFF_PORT/console
$(sed 's/^/  /' "$DESK_VAR_DIR/console-users.txt" 2>/dev/null)
Talk to the assistant on the chat page, or in another terminal (Rasa itself only answers our services):
  $talk
Call the voice line with a recording (ws://127.0.0.1:$VOICE_PORT/media, Twilio Media Streams):
  .venv/bin/python -m voice.tools.call question.wav --lang zh
A service that crashes is restarted (see $DESK_VAR_DIR/log/supervisord.log); status: ${supervisor[*]} status
Press Ctrl-C to stop.
MSG
wait "$supervisord_pid"

#!/usr/bin/env bash
# Start the policy API, the action server, Rasa, the handoff hub, the reminder scheduler and the voice gateway; stop them all on Ctrl-C.
# This is the demo install: its secrets are random, made once per install in var/secrets.env (mode 600).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m service_auth.demo var/secrets.env
set -a; . var/secrets.env; set +a
export DESK_DEMO_MODE=1
# Rasa and the action server import bot/ and service_auth/ from here.
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2
# One TensorFlow thread for Rasa: on a 2-core host the action server and the API need the other core.
export TF_INTRA_OP_PARALLELISM_THREADS="${TF_INTRA_OP_PARALLELISM_THREADS:-1}" TF_INTER_OP_PARALLELISM_THREADS="${TF_INTER_OP_PARALLELISM_THREADS:-1}"
POLICY_API_PORT="${POLICY_API_PORT:-8001}"
ACTIONS_PORT="${ACTIONS_PORT:-5055}"
RASA_PORT="${RASA_PORT:-5005}"
VOICE_PORT="${VOICE_PORT:-8002}"
HANDOFF_PORT="${HANDOFF_PORT:-8000}"
export POLICY_API_PORT POLICY_API_URL="${POLICY_API_URL:-http://127.0.0.1:$POLICY_API_PORT}"
# The action server posts handoffs to the hub; the hub relays chat to Rasa.
export HANDOFF_PORT HANDOFF_HUB_URL="${HANDOFF_HUB_URL:-http://127.0.0.1:$HANDOFF_PORT/api/handoffs}"
export RASA_URL="${RASA_URL:-http://127.0.0.1:$RASA_PORT}"
mkdir -p var/log

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

.venv/bin/python -m policy_api > var/log/policy_api.log 2>&1 & pids+=($!)
# Internal services listen on 127.0.0.1 only and still require their credential (README, Security).
.venv-rasa/bin/python -m actions.server --host 127.0.0.1 --port "$ACTIONS_PORT" > var/log/actions.log 2>&1 & pids+=($!)
endpoints=var/endpoints.yml
sed "s|127.0.0.1:5055|127.0.0.1:$ACTIONS_PORT|" bot/endpoints.yml > "$endpoints"
if ! .venv/bin/python -c "import redis, os; redis.Redis.from_url(os.environ.get('REDIS_URL', 'redis://127.0.0.1:6379/0')).ping()" 2>/dev/null; then
  echo "The handoff hub needs Redis (REDIS_URL, default redis://127.0.0.1:6379/0): start redis-server first." >&2
  exit 1
fi
# Two hub processes (state and events are in Redis): a burst of handoffs gets both cores.
HANDOFF_WORKERS="${HANDOFF_WORKERS:-2}" .venv/bin/python -m handoff > var/log/handoff.log 2>&1 & pids+=($!)
# bot.server is `rasa run --enable-api` with a JWT (RASA_JWT_SECRET) and no CORS.
.venv-rasa/bin/python -m bot.server -i 127.0.0.1 --port "$RASA_PORT" -m models/current.tar.gz \
  --endpoints "$endpoints" --credentials bot/credentials.yml > var/log/rasa.log 2>&1 & pids+=($!)

# Reminders: delivered into the app chat through the hub.
OUTREACH_HUB_URL="${OUTREACH_HUB_URL:-http://127.0.0.1:$HANDOFF_PORT}" .venv/bin/python -m outreach > var/log/outreach.log 2>&1 & pids+=($!)

VOICE_PORT="$VOICE_PORT" HF_HUB_OFFLINE=1 .venv/bin/python -m voice > var/log/voice.log 2>&1 & pids+=($!)

echo "Starting: policy API :$POLICY_API_PORT (docs /docs), actions :$ACTIONS_PORT, Rasa :$RASA_PORT, handoff hub :$HANDOFF_PORT, reminders, voice :$VOICE_PORT (logs in var/log/)"
for _ in $(seq 1 180); do
  # Rasa answers / (no credential needed) only once its model is loaded.
  if curl -sf "http://127.0.0.1:$RASA_PORT/" >/dev/null 2>&1; then break; fi
  sleep 1
done
cat <<MSG
Ready. Chat page (customer):  http://127.0.0.1:$HANDOFF_PORT/chat
Console (agents/supervisor):  http://127.0.0.1:$HANDOFF_PORT/console
$(sed 's/^/  /' var/console-users.txt 2>/dev/null)
Talk to the assistant on the chat page, or in another terminal (Rasa itself only answers our services):
  set -a; . var/secrets.env; set +a; .venv-rasa/bin/rasa shell -p 5006 --endpoints $endpoints -m models/current.tar.gz
Call the voice line with a recording (ws://127.0.0.1:$VOICE_PORT/media, Twilio Media Streams):
  .venv/bin/python -m voice.call question.wav --lang zh
Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}"

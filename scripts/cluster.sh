# shellcheck shell=bash
# The cluster profile of scripts/run.sh (`make cluster`), sourced by it after the common settings: the
# production topology as processes on this host. Rasa reads bot/endpoints.docker.yml, the file docker-compose
# and k8s use, with this host's addresses; HAProxy (deploy/haproxy/cluster.cfg) balances the replicas.
export POSTGRES_HOST="${POSTGRES_HOST:-127.0.0.1}" POSTGRES_DB="${POSTGRES_DB:-desk_cluster}"
export POSTGRES_USER="${POSTGRES_USER:-$(id -un)}"
# Empty with the machine's `trust` authentication on 127.0.0.1 (Rasa still needs the variable set).
export POSTGRES_PASSWORD="${POSTGRES_PASSWORD-}" REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
# Every service of ours on the same database, as in docker-compose.yml; the figures read Rasa's events there.
export DATABASE_URL="postgresql://$POSTGRES_USER:$POSTGRES_PASSWORD@$POSTGRES_HOST:5432/$POSTGRES_DB"
export RASA_EVENTS_URL="$DATABASE_URL"
# Replicas on consecutive ports (scripts/supervisord.conf), behind HAProxy on RASA_PORT and ACTIONS_PORT.
export RASA_REPLICAS=2 RASA_REPLICA_PORT="${RASA_REPLICA_PORT:-5011}"
export ACTIONS_REPLICAS=2 ACTIONS_REPLICA_PORT="${ACTIONS_REPLICA_PORT:-5061}"
export RASA_1_PORT="$RASA_REPLICA_PORT" RASA_2_PORT=$((RASA_REPLICA_PORT + 1))
export ACTIONS_1_PORT="$ACTIONS_REPLICA_PORT" ACTIONS_2_PORT=$((ACTIONS_REPLICA_PORT + 1))
export ACTION_SERVER_URL="http://127.0.0.1:$ACTIONS_PORT" RASA_ENDPOINTS=bot/endpoints.docker.yml
export POLICY_API_WORKERS="${POLICY_API_WORKERS:-2}"

command -v haproxy >/dev/null 2>&1 || { echo "make cluster needs HAProxy: scripts/prerequisites.sh cluster installs it" >&2; exit 1; }
pg=(-h "$POSTGRES_HOST" -U "$POSTGRES_USER")
if ! psql "${pg[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$POSTGRES_DB'" | grep -q 1; then
  createdb "${pg[@]}" "$POSTGRES_DB" || { echo "could not create PostgreSQL database $POSTGRES_DB on $POSTGRES_HOST" >&2; exit 1; }
fi
# Demo data and console users in this database (make run seeds var/policy.db before it starts).
.venv/bin/python -m desk_db upgrade --database-url "$DATABASE_URL" >/dev/null
.venv/bin/python -m policy_api.seed --database-url "$DATABASE_URL" >/dev/null
.venv/bin/python -m handoff.seed --database-url "$DATABASE_URL" > "$DESK_VAR_DIR/console-users.txt"
# The tables of Rasa's tracker store and event record, made once here: two replicas starting together would
# both try to create them.
if ! .venv-rasa/bin/python -m bot.stores "$RASA_ENDPOINTS" > "$DESK_VAR_DIR/log/stores.log" 2>&1; then
  tail -n 3 "$DESK_VAR_DIR/log/stores.log" >&2; exit 1
fi

health=("policy_api http://127.0.0.1:$POLICY_API_PORT/health")
for port in "$ACTIONS_1_PORT" "$ACTIONS_2_PORT"; do health+=("actions:actions_$port http://127.0.0.1:$port/health"); done
for port in "$RASA_1_PORT" "$RASA_2_PORT"; do health+=("rasa:rasa_$port http://127.0.0.1:$port/"); done
health+=("haproxy http://127.0.0.1:$RASA_PORT/" "haproxy http://127.0.0.1:$ACTIONS_PORT/health")
talk="set -a; . $DESK_VAR_DIR/secrets.env; set +a; .venv/bin/python -m service_auth.talk 你好 --rasa-url $RASA_URL"

#!/usr/bin/env bash
# What `make run`, `make test` and CI need from the machine, checked before any long step.
# usage: scripts/prerequisites.sh run|cluster|test
#   Installs the Debian packages it needs when they are missing (as root, or with sudo), starts the
#   machine's Redis/PostgreSQL when they are installed but stopped, and otherwise stops with one line
#   saying what is missing and how to fix it.
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-run}"

fail() { echo "prerequisites: $1" >&2; echo "  fix: $2" >&2; exit 1; }

# 1. Python 3.11 builds both virtualenvs (Rasa 3.6 supports no newer Python).
python="${PYTHON:-python3.11}"
command -v "$python" >/dev/null 2>&1 \
  || fail "Python 3.11 ($python) not found" "install Python 3.11 (e.g. apt-get install python3.11 python3.11-venv, or pyenv install 3.11) or set PYTHON=/path/to/python3.11"
"$python" -c 'import sys, venv; assert sys.version_info[:2] == (3, 11)' 2>/dev/null \
  || fail "$python is not a Python 3.11 with venv" "point PYTHON at a Python 3.11 that has the venv module"

# 2. Disk: the Rasa venv is about 3 GB, the app venv 2 GB, a model and the caches another 1 GB.
cache="${VENV_CACHE:-$HOME/.cache/insurance-desk}"
mkdir -p "$cache"
need_gb=8
compgen -G "$cache/.venv-rasa-*/.complete" >/dev/null && need_gb=2
free_gb=$(df -Pk "$cache" | awk 'NR==2 {print int($4 / 1048576)}')
[ "$free_gb" -ge "$need_gb" ] \
  || fail "only ${free_gb} GB free under $cache, ${need_gb} GB needed" "free disk space, or set VENV_CACHE to a larger disk"

# 3. Debian packages: speech (espeak-ng, sox: the voice line's synthesis and audio), Chinese fonts and
#    Chromium (the browser tests and the console's screenshots), docker-compose and caddy (the deployment
#    files' offline checks: `docker-compose config`, `caddy validate`; no Docker engine, no Caddy service),
#    HAProxy (the cluster profile's load balancer, also started by its tests and `make bench`).
need_apt=()
command -v espeak-ng >/dev/null 2>&1 || need_apt+=(espeak-ng)
command -v sox >/dev/null 2>&1 || need_apt+=(sox libsox-fmt-all)
# The e-policy PDF is set in it (EPOLICY_FONT); the browser tests draw Chinese with it too.
fc-list 2>/dev/null | grep -qi wqy || need_apt+=(fonts-wqy-microhei)
if [ "$purpose" = test ] || [ "$purpose" = cluster ]; then
  command -v haproxy >/dev/null 2>&1 || need_apt+=(haproxy)
fi
if [ "$purpose" = test ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium chromium-driver)
  command -v docker-compose >/dev/null 2>&1 || need_apt+=(docker-compose)
  command -v caddy >/dev/null 2>&1 || need_apt+=(caddy)
fi
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo ">> installing Debian packages: ${need_apt[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null; } \
    || fail "could not install ${need_apt[*]}" "sudo apt-get install -y ${need_apt[*]}"
  # Debian's caddy package starts a web server on :80 where systemd runs; the tests only use the binary.
  if [[ " ${need_apt[*]} " == *" caddy "* ]] && command -v systemctl >/dev/null 2>&1; then
    $sudo systemctl disable --now caddy >/dev/null 2>&1 || true
  fi
fi

# 4. Redis: the hub's live state and the identity lockout. Started here only when installed but stopped.
redis_url="${REDIS_URL:-redis://127.0.0.1:6379/0}"
if ! redis-cli -u "$redis_url" ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null 2>&1 && [ -z "${REDIS_URL:-}" ]; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    sleep 1
  fi
  redis-cli -u "$redis_url" ping >/dev/null 2>&1 \
    || fail "Redis is not reachable at $redis_url" "start it (redis-server --daemonize yes) or set REDIS_URL"
fi

# 5. RabbitMQ: Rasa publishes its events there, the event record consumes them.
#    Started here only when installed but stopped (it takes a few seconds to listen).
rabbitmq_port="${RABBITMQ_PORT:-5672}"
rabbitmq_up() { (exec 3<>"/dev/tcp/${RABBITMQ_HOST:-127.0.0.1}/$rabbitmq_port") 2>/dev/null; }
if ! rabbitmq_up && command -v rabbitmq-server >/dev/null 2>&1 && [ -z "${RABBITMQ_HOST:-}" ]; then
  rabbitmq-server -detached >/dev/null 2>&1 || true
  for _ in $(seq 30); do rabbitmq_up && break; sleep 1; done
fi
rabbitmq_up \
  || fail "RabbitMQ is not reachable at ${RABBITMQ_HOST:-127.0.0.1}:$rabbitmq_port" "apt-get install -y rabbitmq-server && rabbitmq-server -detached (or set RABBITMQ_HOST/RABBITMQ_PORT)"

# 6. PostgreSQL: the tests run every store against it as well as SQLite; the cluster keeps everything in it.
if [ "$purpose" != run ] && command -v pg_isready >/dev/null 2>&1; then
  if ! pg_isready -h 127.0.0.1 -q; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >/dev/null 2>&1 || true
  fi
  pg_isready -h 127.0.0.1 -q || fail "PostgreSQL is not answering on 127.0.0.1:5432" "start it (pg_ctlcluster <version> main start)"
fi
echo ">> prerequisites for make $purpose: present"

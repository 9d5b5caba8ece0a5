#!/usr/bin/env bash
# What `make run`, `make test` and CI need from the machine, checked before any long step.
# usage: scripts/prerequisites.sh run|test
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
#    Chromium (the browser tests and the console's screenshots), docker-compose (the compose file's check).
need_apt=()
command -v espeak-ng >/dev/null 2>&1 || need_apt+=(espeak-ng)
command -v sox >/dev/null 2>&1 || need_apt+=(sox libsox-fmt-all)
if [ "$purpose" = test ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium chromium-driver)
  fc-list 2>/dev/null | grep -qi wqy || need_apt+=(fonts-wqy-microhei)
  command -v docker-compose >/dev/null 2>&1 || need_apt+=(docker-compose)
fi
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo ">> installing Debian packages: ${need_apt[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null; } \
    || fail "could not install ${need_apt[*]}" "sudo apt-get install -y ${need_apt[*]}"
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

# 5. PostgreSQL: the tests run every store against it as well as SQLite.
if [ "$purpose" = test ] && command -v pg_isready >/dev/null 2>&1; then
  if ! pg_isready -h 127.0.0.1 -q; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >/dev/null 2>&1 || true
  fi
  pg_isready -h 127.0.0.1 -q || fail "PostgreSQL is not answering on 127.0.0.1:5432" "start it (pg_ctlcluster <version> main start)"
fi
echo ">> prerequisites for make $purpose: present"

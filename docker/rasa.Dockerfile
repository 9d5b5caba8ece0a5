# Rasa 3.6 and the action server on Python 3.11 (recipe from requirements/rasa-lock.txt).
FROM python:3.11-slim
# Not root: uid 10001 (the Kubernetes manifests' runAsUser).
RUN useradd --uid 10001 --user-group --create-home --home-dir /home/desk desk
WORKDIR /app
COPY requirements/rasa-lock.txt requirements/rasa-lock.txt
RUN pip install --no-cache-dir -r requirements/rasa-lock.txt \
 && pip install --no-cache-dir --no-deps --ignore-requires-python rasa==3.6.21 rasa-sdk==3.6.2
COPY config.yml ./
COPY bot bot
COPY nlu_data nlu_data
COPY actions actions
# The shared kernel the actions parse numbers and dates with (common/parsing.py).
COPY common common
# The settings base and the defaults services share (every service's settings import it).
COPY desk_config desk_config
# Secrets and credentials between services (the channel, the action server's secret check).
COPY service_auth service_auth
# Masking personal numbers in everything stored (the event broker, transcripts, notes).
COPY privacy privacy
# The action server's JSON logs and /metrics.
COPY observability observability
ENV RASA_TELEMETRY_ENABLED=false PYTHONPATH=/app PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HOME=/home/desk \
    TF_INTRA_OP_PARALLELISM_THREADS=1 TF_INTER_OP_PARALLELISM_THREADS=1
RUN rasa train --config config.yml --domain bot/domain --data nlu_data bot/data --out models --fixed-model-name current \
 && rm -rf .rasa
# Runs as uid 10001: /app stays root-owned and read-only to it (Rasa unpacks the model under /tmp).
USER 10001:10001
EXPOSE 5005 5055
# bot.server: `rasa run --enable-api` behind a JWT (RASA_JWT_SECRET), no CORS; reachable on the internal network only.
CMD ["python", "-m", "bot.server", "-i", "0.0.0.0", "-m", "models/current.tar.gz", "--endpoints", "bot/endpoints.docker.yml", "--credentials", "bot/credentials.yml"]

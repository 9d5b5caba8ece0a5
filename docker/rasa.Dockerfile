# Rasa 3.6 and the action server on Python 3.11 (recipe from requirements/rasa-lock.txt).
FROM python:3.11-slim
WORKDIR /app
COPY requirements/rasa-lock.txt requirements/rasa-lock.txt
RUN pip install --no-cache-dir -r requirements/rasa-lock.txt \
 && pip install --no-cache-dir --no-deps --ignore-requires-python rasa==3.6.21 rasa-sdk==3.6.2
COPY config.yml ./
COPY bot bot
COPY nlu_data nlu_data
COPY actions actions
# Secrets and credentials between services (the channel, the action server's secret check).
COPY service_auth service_auth
# Masking personal numbers in everything stored (the event broker, transcripts, notes).
COPY privacy privacy
# The action server's JSON logs and /metrics.
COPY observability observability
ENV RASA_TELEMETRY_ENABLED=false PYTHONPATH=/app
RUN rasa train --config config.yml --domain bot/domain --data nlu_data bot/data --out models --fixed-model-name current
EXPOSE 5005 5055
# bot.server: `rasa run --enable-api` behind a JWT (RASA_JWT_SECRET), no CORS; reachable on the internal network only.
CMD ["python", "-m", "bot.server", "-i", "0.0.0.0", "-m", "models/current.tar.gz", "--endpoints", "bot/endpoints.docker.yml", "--credentials", "bot/credentials.yml"]

# The app services (policy API, handoff hub, reminder scheduler, voice gateway): the modern venv.
FROM python:3.11-slim
WORKDIR /app
COPY requirements/app-lock.txt requirements/app-lock.txt
RUN pip install --no-cache-dir -r requirements/app-lock.txt
# espeak-ng speaks the voice line's Mandarin replies.
RUN apt-get update && apt-get install -y --no-install-recommends espeak-ng && rm -rf /var/lib/apt/lists/*
COPY policy_api policy_api
# Secrets and credentials between services (every service imports it).
COPY service_auth service_auth
# Masking personal numbers in everything stored (the event broker, transcripts, notes).
COPY privacy privacy
# JSON logs and Prometheus /metrics (every service imports it).
COPY observability observability
# The policy API's knowledge search: the FAQ and clause data and the encoders.
COPY knowledge knowledge
# The voice gateway: voice/ plus the pure helpers it shares with the action server (parsing, masking).
COPY actions actions
COPY voice voice
# Its sound-alike lexicon and the language model that rescores recognition are built from the training sentences.
COPY nlu_data nlu_data
COPY handoff handoff
# Reminder tables (the policy API creates them) and the reminder scheduler.
COPY outreach outreach
# The hub's /api/figures reads the service figures.
COPY service_figures service_figures
# The retention job (python -m retention), run on a schedule against every store.
COPY retention retention
ENV POLICY_API_HOST=0.0.0.0
CMD ["python", "-m", "policy_api"]

# The app services (policy API, handoff hub, reminder scheduler, voice gateway, event recorder, init job):
# the runtime pins only (requirements/app-runtime.txt: no torch, pytest, playwright, ruff).
FROM python:3.11-slim
# espeak-ng speaks the voice line's Mandarin replies; fonts-wqy-microhei prints e-policies (CJK); libgl1 and
# libglib2.0-0 are what OpenCV (the invoice OCR's image library, a dependency of rapidocr-onnxruntime) links against.
RUN apt-get update && apt-get install -y --no-install-recommends espeak-ng fonts-wqy-microhei libgl1 libglib2.0-0 \
    && rm -rf /var/lib/apt/lists/*
# Not root: uid 10001 (the Kubernetes manifests' runAsUser); its home holds the caches the services write
# (the joined Whisper model, the knowledge embeddings), a volume when the root filesystem is read-only.
RUN useradd --uid 10001 --user-group --create-home --home-dir /home/desk desk
WORKDIR /app
COPY requirements/app-runtime.txt requirements/app-runtime.txt
RUN pip install --no-cache-dir -r requirements/app-runtime.txt
COPY policy_api policy_api
# Reading claim documents (invoice OCR) and the findings contract (the test set's images are in .dockerignore).
COPY claims claims
# The settings base and the defaults services share (every service's settings import it).
COPY desk_config desk_config
# The shared database (desk_db): its tables, engine and migrations; every service upgrades at start, the init job first.
COPY desk_db desk_db
# The shared kernel (the clock every stored time comes from).
COPY common common
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
# Reminder-table operations the policy API, the scheduler and the retention job share.
COPY reminder_records reminder_records
# Hub-table operations (console accounts, one customer's records) the hub, the init job and the retention job share.
COPY hub_records hub_records
# Voice-table operations (call transcripts) the voice gateway and the retention job share.
COPY voice_records voice_records
# The hub's /api/figures reads the service figures.
COPY service_figures service_figures
# The retention job (python -m retention), run on a schedule against every store.
COPY retention retention
# The init job (python -m desk_init: migrations, knowledge import, first supervisor) and the consumer that
# writes Rasa's events from RabbitMQ to the database (python -m event_record).
COPY desk_init desk_init
COPY event_record event_record
ENV POLICY_API_HOST=0.0.0.0 PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HOME=/home/desk \
    INSURANCE_DESK_CACHE=/home/desk/.cache/insurance-desk HF_HUB_OFFLINE=1
# The claim materials' directory (MATERIALS_DIR in docker-compose.yml): owned by the service user, so the named
# volume mounted there starts with that owner.
RUN mkdir -p /var/lib/desk/materials && chown 10001:10001 /var/lib/desk/materials && chmod 700 /var/lib/desk/materials
USER 10001:10001
CMD ["python", "-m", "policy_api"]

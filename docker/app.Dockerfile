# The app services (policy API; later the handoff hub and voice gateway): the modern venv.
FROM python:3.11-slim
WORKDIR /app
COPY requirements/app-lock.txt requirements/app-lock.txt
RUN pip install --no-cache-dir -r requirements/app-lock.txt
COPY policy_api policy_api
ENV POLICY_API_HOST=0.0.0.0
CMD ["python", "-m", "policy_api"]

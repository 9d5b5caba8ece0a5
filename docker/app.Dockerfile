# The app services (policy API, handoff hub; later the voice gateway): the modern venv.
FROM python:3.11-slim
WORKDIR /app
COPY requirements/app-lock.txt requirements/app-lock.txt
RUN pip install --no-cache-dir -r requirements/app-lock.txt
COPY policy_api policy_api
COPY handoff handoff
ENV POLICY_API_HOST=0.0.0.0
CMD ["python", "-m", "policy_api"]

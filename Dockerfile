# Leerstroom's services (LRS, sink, transform, dashboard) in one image; docker-compose.yml runs each.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml requirements.lock README.md dbt_project.yml ./
COPY leerstroom ./leerstroom
COPY ingest ./ingest
COPY transform ./transform
COPY dashboards ./dashboards
RUN pip install --no-cache-dir --require-hashes -r requirements.lock \
    && pip install --no-cache-dir --no-deps -e . \
    && useradd --create-home --uid 10001 leerstroom \
    && mkdir -p /data && chown leerstroom /data
USER leerstroom
ENV LEERSTROOM_DATA_DIR=/data
ENTRYPOINT ["leerstroom"]

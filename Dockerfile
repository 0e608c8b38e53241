# docsight: CLI, batch ingestion, web UI and the hayhooks API in one CPU-only image.
# Built by docker-compose.yml (services webui, ingest, api); the setup is the README's own script.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    DOCSIGHT_CACHE_DIR=/opt/docsight/cache \
    HAYSTACK_TELEMETRY_ENABLED=False \
    DO_NOT_TRACK=1 \
    SCARF_NO_ANALYTICS=true \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false

WORKDIR /app
COPY pyproject.toml README.md ./
COPY scripts/ scripts/
COPY ingest/ ingest/
COPY retrievers/ retrievers/
COPY pipelines/ pipelines/
COPY webui/ webui/
COPY eval/ eval/

# tesseract-ocr (with its Korean, Chinese, Japanese, Arabic, Hebrew, German, French and Spanish data) and
# poppler-utils from apt, uv, the virtualenv in /app/.venv (torch-free), hayhooks for `api`
RUN scripts/setup.sh --api \
    && rm -rf /var/lib/apt/lists/* /root/.cache
# the embedding model inside the image: the ONNX encoder is built now, from the packaged weights
RUN .venv/bin/docsight prepare && chmod -R a+rX /opt/docsight

RUN useradd --system --uid 10001 --create-home docsight \
    && mkdir -p /data/qdrant /data/uploads /data/reports \
    && chown -R docsight:docsight /data
USER docsight
ENV PATH=/app/.venv/bin:$PATH \
    DOCSIGHT_QDRANT_PATH=/data/qdrant \
    DOCSIGHT_UPLOAD_DIR=/data/uploads

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]
CMD ["docsight", "ui", "--address", "0.0.0.0"]

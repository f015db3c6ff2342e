# todochat: one stateless replica. All state is in PostgreSQL (and rate-limit counters in Redis),
# so run as many of these as you need behind a load balancer. See "Running in production" in README.md.
# Not built in CI here (no Docker on the build machine): keep it simple.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
COPY --from=build /install /usr/local
RUN useradd --create-home --uid 10001 todochat
USER todochat
ENV PYTHONUNBUFFERED=1 \
    TODOCHAT_ENVIRONMENT=production \
    TODOCHAT_LOG_FORMAT=json \
    OPENAI_AGENTS_DISABLE_TRACING=1
EXPOSE 8000
# /ready answers 503 while the database is unreachable, so the proxy stops sending traffic here.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/ready', timeout=2).status != 200)"]
# SIGTERM: uvicorn stops accepting, lets running turns finish for TODOCHAT_GRACEFUL_SHUTDOWN_SECONDS.
CMD ["todochat", "serve", "--host", "0.0.0.0", "--port", "8000"]

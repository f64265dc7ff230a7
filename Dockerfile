# Gradient Lab in a container: N Streamlit replicas behind HAProxy (`python -m deploy.serve`),
# the proxy on port 8501. Not built or run here: this machine has no container engine. What was
# tried here is the command inside it (deploy/serve.py, its browser test and the load test).
#
#   docker build -t gradient-lab .
#   docker run -p 8501:8501 -e GRADLAB_DATABASE_URL=postgresql+psycopg://user:pass@db/gradlab \
#       gradient-lab
#
# Rooms live in the database named by GRADLAB_DATABASE_URL, shared by every replica: PostgreSQL
# in production. Without it each container keeps its own SQLite file, lost with the container.
FROM python:3.11-slim-bookworm

# Debian's HAProxy, as on the machine the deploy/ folder was tried on.
RUN apt-get update \
    && apt-get install -y --no-install-recommends haproxy \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# CPU-only torch from PyTorch's own index first: the default wheel pulls gigabytes of CUDA
# libraries. Its version (2.13.0+cpu) satisfies requirements.txt's torch==2.13.0.
COPY requirements.txt .
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
    && pip install -r requirements.txt

RUN useradd --create-home --uid 10001 gradlab
COPY --chown=gradlab:gradlab . .
USER gradlab

EXPOSE 8501
# /_stcore/health through the proxy: "ok" once a replica's runtime is up.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD python -c "import urllib.request as u; \
assert u.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() == b'ok'"
# Replicas: one per core the container may use (--replicas N to choose).
CMD ["python", "-m", "deploy.serve", "--bind", "0.0.0.0", "--port", "8501"]

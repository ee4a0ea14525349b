# fax-intake, one image for every role: `intake serve` (web), `intake watch`, `intake worker`,
# `intake db upgrade`, or `intake run` for the embedded single-machine service.
#
# Multi-stage: the build stage has pip and the network; the runtime stage has the venv,
# tesseract and nothing that fetches anything, so it runs on a network with no way out
# (spaCy is used as spacy.blank("en"): no model is downloaded; the code sets are packaged).
# It runs as a non-root user whose home holds the data and inbox volumes.

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
# tesserocr is built against the runtime's own libtesseract (Debian's), not PyPI's wheel.
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ pkg-config libtesseract-dev libleptonica-dev \
 && rm -rf /var/lib/apt/lists/* \
 && python -m venv /opt/venv
# The locked versions first, each checked against its hash; then the project alone.
COPY requirements.lock ./
RUN /opt/venv/bin/pip install --require-hashes --no-binary tesserocr -r requirements.lock
COPY pyproject.toml README.md ./
COPY fax_intake ./fax_intake
COPY intake ./intake
COPY extractors ./extractors
COPY review_ui ./review_ui
COPY samples ./samples
RUN /opt/venv/bin/pip install --no-deps . \
 && /opt/venv/bin/python -m compileall -q /opt/venv/lib

FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd \
    fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/intake --create-home intake \
 && install -d -o intake -g intake /var/lib/intake/data /var/lib/intake/inbox
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    INTAKE_DATA_DIR=/var/lib/intake/data \
    INTAKE_INBOX=/var/lib/intake/inbox \
    OMP_THREAD_LIMIT=1
USER intake
WORKDIR /var/lib/intake
# Named volumes mounted here start out owned by the intake user (from the folders above).
VOLUME ["/var/lib/intake/data", "/var/lib/intake/inbox"]
# Each page gets a tesseract process (crops are read in process); the worker finishes or hands back its document on
# SIGTERM, so give it INTAKE_SHUTDOWN_GRACE_SECONDS plus one page (see docker-compose.yml).
STOPSIGNAL SIGTERM
ENTRYPOINT ["intake"]
CMD ["run"]

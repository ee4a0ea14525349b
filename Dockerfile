# fax-intake: multi-stage build. The runtime image has tesseract and the venv, runs as a
# non-root user and needs no network at run time (no models or data are fetched).
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY intake ./intake
COPY extractors ./extractors
COPY review_ui ./review_ui
COPY samples ./samples
RUN /opt/venv/bin/pip install --no-cache-dir .

FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/intake --create-home intake
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    INTAKE_DATA_DIR=/var/lib/intake/data \
    INTAKE_INBOX=/var/lib/intake/inbox \
    OMP_THREAD_LIMIT=1
USER intake
WORKDIR /var/lib/intake
VOLUME ["/var/lib/intake/data", "/var/lib/intake/inbox"]
ENTRYPOINT ["intake"]
CMD ["run"]

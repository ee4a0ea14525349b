"""The web application: the clerks' review UI (FastAPI, Jinja2 and htmx, no build step) and,
under /api/v1, the downstream API."""

"""/health proves the service can take faxes: a write to its database (rolled back) and to its
store, and free space above a floor. A read-only database or a full disk answers 503."""

from __future__ import annotations

from dataclasses import replace

from fastapi.testclient import TestClient
from sqlalchemy import make_url, text

from intake.db.engine import make_engine
from intake.services import Services
from review_ui.app import create_app

PROBLEM = "application/problem+json"


def _health(services: Services):
    with TestClient(create_app(services)) as client:
        return client.get("/api/v1/health")


def _read_only(services: Services, database) -> Services:
    """The same database, opened so it refuses every write."""
    url = services.settings.effective_database_url
    if database.backend == "sqlite":
        path = make_url(url).database
        engine = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    else:
        name = make_url(url).database
        with services.engine.connect() as connection:
            connection.execute(
                text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
            )
            connection.commit()
        engine = make_engine(url)
    return replace(services, engine=engine)


def test_health_is_ok_when_database_and_store_take_writes(services):
    response = _health(services)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "store": "ok"}


def test_a_read_only_database_is_503(services, database):
    read_only = _read_only(services, database)
    try:
        response = _health(read_only)
    finally:
        read_only.engine.dispose()
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "database_unavailable"


def test_a_store_below_its_free_space_floor_is_503(services):
    # A floor above any disk's size: the real free space is measured, and found short.
    settings = services.settings.model_copy(update={"min_free_bytes": 2**62})
    response = _health(replace(services, settings=settings))
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "store_unavailable" and "MB free" in body["detail"]

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient


@pytest.fixture
def api(app: FastAPI) -> Iterator[TestClient]:
    """A client of the whole web app (review_ui.app.create_app), for calls to /api/v1."""
    with TestClient(app, base_url="http://testserver") as client:
        yield client

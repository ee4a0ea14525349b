"""The offline FHIR validator, loaded once: its definitions take a second to read."""

from __future__ import annotations

import pytest

from tests.review_ui.fhir.validator import Definitions, Validator


@pytest.fixture(scope="session")
def validator() -> Validator:
    return Validator(Definitions())

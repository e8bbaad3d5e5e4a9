"""schemathesis over the service's OpenAPI description: no 500s, every answer as the
description says (status, content type, body schema). Bounded: a few examples per route."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.serve_support import add_user

pytestmark = pytest.mark.serve
_STATE: dict[str, Any] = {}


def _app() -> Any:
    """One app for the whole module (schemathesis loads the description at import)."""
    import tempfile

    from naskah.serve.app import create_app
    from naskah.serve.settings import Settings

    folder = Path(tempfile.mkdtemp(prefix="naskah-schemathesis-"))
    db = f"sqlite:///{folder / 'naskah.db'}"
    app = create_app(Settings.from_env(data=folder / "data", db=db, worker=False,
                                       timeout_s=60))
    _STATE.update(db=db, folder=folder, app=app)
    return app


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@pytest.fixture(scope="module", autouse=True)
def _started() -> Iterator[None]:
    """The instance's parts (the PDF pool) started, and an admin's token."""
    import shutil

    app = _STATE["app"]
    app.state.layanan.start()
    _STATE["auth"] = add_user(_STATE["db"], "admin", "admin")
    try:
        yield
    finally:
        app.state.layanan.stop()
        shutil.rmtree(_STATE["folder"], ignore_errors=True)


MAX = int(os.environ.get("NASKAH_SCHEMATHESIS_EXAMPLES", "5"))


@schema.parametrize()
@settings(max_examples=MAX, deadline=None,
          suppress_health_check=list(HealthCheck), database=None)
def test_api(case: Any) -> None:
    case.call_and_validate(headers=_STATE["auth"], checks=[
        not_a_server_error, status_code_conformance, content_type_conformance,
        response_schema_conformance])

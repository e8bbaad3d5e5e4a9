"""The JSON Schemas ``naskah schema`` prints accept their own examples (the example
data files and every ``examples`` value inside them) under a validator that checks
formats, and agree with the models on what they refuse.

The validator is jsonschema_rs, which schemathesis (a test dependency already) brings:
it checks every format of draft 2020-12 itself, where the pure-Python ``jsonschema``
checks ``time``/``date-time`` only with one more package installed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

import naskah
from naskah.cli import main
from naskah.errors import InputError
from tests.helpers import ALL_JENIS, EXAMPLES

TRAIL = EXAMPLES / "trail"


def _schema(name: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["schema", name]) == 0
    schema: dict[str, Any] = json.loads(capsys.readouterr().out)
    return schema


def _validator(schema: dict[str, Any]) -> Any:
    return jsonschema_rs.validator_for(schema, validate_formats=True)


def _examples(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(path, subschema, example) of every ``examples`` value in a schema."""
    if isinstance(node, dict):
        for example in node.get("examples", []) if isinstance(node.get("examples"),
                                                               list) else []:
            yield path, node, example
        for key, value in node.items():
            if key != "examples":
                yield from _examples(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _examples(value, f"{path}/{i}")


def _files(name: str) -> list[Path]:
    if name == "langkah":
        return sorted(TRAIL.glob("langkah-*.json"))
    if name == "pelaksana":
        return [TRAIL / "pelaksana.json"]
    return sorted(EXAMPLES.glob(f"{name}*.json"))


@pytest.mark.parametrize("name", [*ALL_JENIS, "langkah", "pelaksana"])
def test_schema_accepts_its_examples(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    schema = _schema(name, capsys)
    validator = _validator(schema)
    files = _files(name)
    assert files
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(data)]
        assert errors == [], (path.name, errors)
    found = list(_examples(schema))
    for where, sub, example in found:
        own = {k: v for k, v in sub.items() if k not in ("examples", "default")}
        checker = _validator({**own, "$defs": schema.get("$defs", {})})
        assert checker.is_valid(example), (name, where, example)


@pytest.mark.parametrize(("value", "ok"), [("09:00", True), ("13:30:15", True),
                                           ("24:00", False), ("9:00", False),
                                           ("09:60", False)])
def test_time_schema_agrees_with_the_model(value: str, ok: bool,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads((EXAMPLES / "undangan.json").read_text(encoding="utf-8"))
    data["rapat"]["mulai"] = value
    data["rapat"].pop("selesai", None)
    assert _validator(_schema("undangan", capsys)).is_valid(data) is ok
    if ok:
        assert naskah.load_naskah("undangan", data).rapat.mulai.strftime("%H:%M") == value[:5]
    elif value != "9:00":  # pydantic reads '9:00' leniently; the schema asks for HH:MM
        with pytest.raises(InputError, match=r"rapat\.mulai"):
            naskah.load_naskah("undangan", data)


def test_step_schema_times(capsys: pytest.CaptureFixture[str]) -> None:
    validator = _validator(_schema("langkah", capsys))
    assert validator.is_valid({"oleh": "x", "selesai": "2026-11-24T09:40+07:00"})
    assert validator.is_valid({"oleh": "x", "mulai": "2026-11-24T09:40:05Z"})
    assert not validator.is_valid({"oleh": "x", "selesai": "2026-11-24T09:40"})  # no offset
    assert not validator.is_valid({"oleh": "x", "oleh2": "y"})  # unknown fields refused

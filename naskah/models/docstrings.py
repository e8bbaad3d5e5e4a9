"""Field descriptions for the JSON Schema, from the attribute docstrings of the models.

pydantic's ``use_attribute_docstrings`` reads every model's source code when the
class is created, which made ``import naskah`` about 80 ms slower for every program,
though only the JSON Schema needs the text. Here the docstrings are read when a
schema is generated, once per class.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import textwrap
from functools import cache
from typing import Any


@cache
def attribute_docstrings(cls: type) -> dict[str, str]:
    """``{field: docstring}`` for the string literals right after annotated assignments."""
    found: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass is object or "pydantic" in klass.__module__.split("."):
            continue
        try:
            source = textwrap.dedent(inspect.getsource(klass))
        except (OSError, TypeError):
            continue
        body = ast.parse(source).body
        if not body or not isinstance(body[0], ast.ClassDef):
            continue
        statements = body[0].body
        for stmt, after in itertools.pairwise(statements):
            if (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
                    and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                    and isinstance(after.value.value, str)):
                found[stmt.target.id] = inspect.cleandoc(after.value.value)
    return found


def describe_properties(cls: Any, schema: dict[str, Any]) -> None:
    """Give each property of a model's object schema its docstring, unless it has one."""
    docs = attribute_docstrings(cls)
    properties = schema.get("properties", {})
    for name, info in cls.model_fields.items():
        key = info.alias or name
        if key in properties and "description" not in properties[key] and name in docs:
            properties[key]["description"] = docs[name]

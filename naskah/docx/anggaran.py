"""A budget for rendering a template from outside: time, loop steps, value and output size.

The sandbox (:func:`naskah.docx.template.make_environment`) keeps a template away from
Python's internals, but not from running away: ``{{ 'x' * 4000000000 }}``,
``{{ 9 ** (9 ** 9) }}`` or two nested ``range(100000)`` loops would take the memory or
the processor for as long as they like. A user's template is compiled in
:func:`budgeted_environment`, whose code checks a per-render :class:`Anggaran` at every
loop step, call, filter, intercepted operator and namespace assignment, and whose
output is counted while it is generated. A template over budget stops with a
:class:`~naskah.errors.TemplateError` naming it; nothing is written.

What is bounded, per render: :data:`MAX_SECONDS` of wall clock, :data:`MAX_STEPS` loop
steps, :data:`MAX_OUTPUT_CHARS` of output, and every value an operator, call, filter or
namespace produces or passes to :data:`MAX_VALUE` (characters, list items, or an
integer's bytes, counted through nested lists). Shipped templates are trusted and
render without these checks.
"""

from __future__ import annotations

import contextvars
import functools
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import jinja2
import jinja2.sandbox
from jinja2 import nodes
from jinja2.utils import Namespace

from naskah.errors import TemplateError

MAX_SECONDS = 10.0
"""Wall-clock time one render of a user's template may take."""
MAX_STEPS = 250_000
"""Loop steps (every ``{% for %}`` iteration, nested ones included) in one render."""
MAX_OUTPUT_CHARS = 50_000_000
"""Characters of XML one render may produce (the unpacked DOCX cap is 200 MB)."""
MAX_VALUE = 10_000_000
"""Largest value an operator, call, filter or namespace may make or take."""
MAX_WIDTH = 10_000
"""Largest field width or padding (``'%09999999d'``, ``center(10**9)``, ``ljust``)."""

_TICK = "naskah_anggaran_langkah"
_current: contextvars.ContextVar[Anggaran | None] = contextvars.ContextVar(
    "naskah_anggaran", default=None)


@dataclass
class Anggaran:
    """The budget of one render of template ``name``."""

    name: str
    deadline: float = field(default_factory=lambda: time.monotonic() + MAX_SECONDS)
    steps: int = 0
    output: int = 0

    def over(self, what: str) -> TemplateError:
        return TemplateError(f"template {self.name} is refused: its rendering {what} (a "
                             "template may not run away; see the README, Limits on input)")

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise self.over(f"took longer than {MAX_SECONDS:g} seconds")

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise self.over(f"made more than {MAX_STEPS:,} loop steps")
        if not self.steps % 1024:
            self.check_time()

    def value(self, value: Any, what: str) -> Any:
        if weight(value) > MAX_VALUE:
            raise self.over(f"{what} more than {MAX_VALUE:,} characters or items")
        return value


def weight(value: Any, limit: int = MAX_VALUE) -> int:
    """Roughly how much memory ``value`` stands for, counting a list's items through
    (a list of a million references to one long string weighs a million strings);
    stops counting past ``limit``."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, bool) or not isinstance(value, int | list | tuple | dict):
        return 1
    if isinstance(value, int):
        return value.bit_length() // 8 + 1
    total = len(value)
    items = value.values() if isinstance(value, dict) else value
    for item in items:
        if total > limit:
            break
        total += weight(item, limit - total)
    return total


def budget() -> Anggaran:
    """The budget of the render under way; a TemplateError outside one (code compiled
    in the budgeted environment only runs inside :func:`generate`)."""
    found = _current.get()
    if found is None:
        raise TemplateError("a user's template may only be rendered through naskah")
    return found


def generate(template: jinja2.Template, context: dict[str, Any], name: str) -> str:
    """Render ``template`` within a fresh budget, counting the output as it comes."""
    anggaran = Anggaran(name)
    token = _current.set(anggaran)
    pieces: list[str] = []
    try:
        for piece in template.generate(context):
            anggaran.output += len(piece)
            if anggaran.output > MAX_OUTPUT_CHARS:
                raise anggaran.over(f"wrote more than {MAX_OUTPUT_CHARS:,} characters")
            anggaran.check_time()
            pieces.append(piece)
    except (RecursionError, MemoryError, OverflowError) as exc:
        raise anggaran.over(f"failed ({type(exc).__name__}: {str(exc)[:200]})") from None
    finally:
        _current.reset(token)
    return "".join(pieces)


# ---------------------------------------------------------------- the environment

_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")
_BRACE_SPEC = re.compile(r"\{[^{}]*:([^{}]*)\}|\{[^{}]*\{")


def _check_format(text: str) -> None:
    """Refuse a format string whose widths or precisions would pad to megabytes."""
    for width, precision in _PERCENT_SPEC.findall(text):
        for number in (width, precision):
            if number == "*" or (number and int(number[:7]) > MAX_WIDTH):
                raise budget().over(f"formats a field wider than {MAX_WIDTH:,}")
    for found in _BRACE_SPEC.finditer(text):
        spec = found.group(1)
        if spec is None or any(int(n[:7]) > MAX_WIDTH for n in re.findall(r"\d+", spec)):
            raise budget().over(f"formats a field wider than {MAX_WIDTH:,}")


def _size_of_product(left: Any, right: Any) -> int:
    if isinstance(left, int) and isinstance(right, int):
        return (left.bit_length() + right.bit_length()) // 8 + 1
    if isinstance(right, str | list | tuple):
        left, right = right, left
    if isinstance(left, str | list | tuple) and isinstance(right, int):
        return weight(left) * max(right, 0)
    return 0


def _binop(operator: str, left: Any, right: Any) -> int:
    """How big the result of ``left operator right`` would be, before computing it."""
    if operator == "*":
        return _size_of_product(left, right)
    if operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
        return left.bit_length() * right // 8 + 1
    if operator == "+":
        return weight(left) + weight(right)
    if operator == "%" and isinstance(left, str):
        _check_format(left)
    return 0


class _BudgetedNamespace(Namespace):
    """``namespace()``: the one object a template can change, so a value doubled on each
    loop step (``{% set ns.s = ns.s ~ ns.s %}``) is checked as it is stored."""

    def __setitem__(self, name: str, value: Any) -> None:
        anggaran = budget()
        anggaran.check_time()
        super().__setitem__(name, anggaran.value(value, "stores in a namespace"))


# Filters and string methods whose integer arguments are widths or counts to pad to.
_WIDTH_FILTERS = frozenset({"center", "indent", "wordwrap", "truncate"})
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


def _check_call(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    anggaran = budget()
    anggaran.check_time()
    for value in (*args, *kwargs.values()):
        anggaran.value(value, "passes a call")
    owner = getattr(obj, "__self__", None)
    method = getattr(obj, "__name__", "")
    if isinstance(owner, str):
        if method in _WIDTH_METHODS and any(
                isinstance(a, int) and a > MAX_WIDTH for a in (*args, *kwargs.values())):
            raise anggaran.over(f"pads a string wider than {MAX_WIDTH:,}")
        if method == "replace" and len(args) >= 2:
            old, new = (str(a) for a in args[:2])
            grown = len(owner) // max(len(old), 1) * len(new) + len(owner) + len(new)
            if grown > MAX_VALUE:
                raise anggaran.over(f"makes a string longer than {MAX_VALUE:,}")
        if method == "join" and args:
            anggaran.value(list(args[0]) if isinstance(args[0], Iterable) else args[0],
                           "joins")


def _filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` checked before it runs (its arguments, widths, what it multiplies) and
    after (what it made)."""

    @functools.wraps(func)  # keeps jinja's pass_context/pass_environment marker
    def checked(*args: Any, **kwargs: Any) -> Any:
        anggaran = budget()
        anggaran.check_time()
        values = [a for a in (*args, *kwargs.values())
                  if not isinstance(a, jinja2.runtime.Context | jinja2.Environment
                                    | nodes.EvalContext)]
        for value in values:
            anggaran.value(value, f"passes the filter {name}")
        if name in _WIDTH_FILTERS and any(isinstance(v, int) and not isinstance(v, bool)
                                          and v > MAX_WIDTH for v in values[1:]):
            raise anggaran.over(f"pads wider than {MAX_WIDTH:,} with the filter {name}")
        if name == "replace" and len(values) >= 3:
            text, old, new = (str(v) for v in values[:3])
            if len(text) // max(len(old), 1) * len(new) + len(text) > MAX_VALUE:
                raise anggaran.over(f"makes a string longer than {MAX_VALUE:,}")
        if name == "format" and values and isinstance(values[0], str):
            _check_format(values[0])
        return anggaran.value(func(*args, **kwargs), f"makes, with the filter {name},")

    return checked


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    if n > 100 or max > 1000:
        raise budget().over("asks lipsum for more than 100 paragraphs of 1,000 words")
    from jinja2.utils import generate_lorem_ipsum

    return str(generate_lorem_ipsum(n, html, min, max))


class BudgetedEnvironment(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """The sandbox, with every runaway checked against the current :class:`Anggaran`."""

    intercepted_binops = frozenset({"*", "**", "+", "%", "//"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters = {name: _filter(name, f) for name, f in self.filters.items()}
        self.globals.update(namespace=_BudgetedNamespace, lipsum=_lipsum)
        self._tick = self.naskah_anggaran_langkah

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any,
                   right: Any) -> Any:
        anggaran = budget()
        anggaran.check_time()
        if _binop(operator, left, right) > MAX_VALUE:
            raise anggaran.over(f"computes a value over {MAX_VALUE:,} characters, items or "
                                f"bytes with '{operator}'")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any,
             *args: Any, **kwargs: Any) -> Any:
        if __obj == __self._tick:  # every loop step: kept cheap
            return __self._tick()
        _check_call(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        # str.format is reached through this (the sandbox wraps it on access).
        owner = getattr(value, "__self__", None)
        if isinstance(owner, str) and getattr(value, "__name__", "") in ("format",
                                                                          "format_map"):
            _check_format(owner)
        return super().wrap_str_format(value)

    def naskah_anggaran_langkah(self) -> str:
        """Called at the start of every loop step of a budgeted template."""
        budget().step()
        return ""


def count_loop_steps(ast: nodes.Template) -> nodes.Template:
    """``ast`` with a call to the budget at the start of every ``{% for %}`` body.

    The call is an attribute of the environment (no name a template could shadow), so
    even a loop that outputs nothing counts its steps.
    """
    for loop in ast.find_all(nodes.For):
        tick = nodes.ExprStmt(nodes.Call(nodes.EnvironmentAttribute(_TICK), [], [], None, None))
        tick.set_lineno(loop.lineno)
        loop.body.insert(0, tick)
    return ast


__all__ = ["MAX_OUTPUT_CHARS", "MAX_SECONDS", "MAX_STEPS", "MAX_VALUE", "MAX_WIDTH", "Anggaran",
           "BudgetedEnvironment", "budget", "count_loop_steps", "generate", "weight"]

"""Templates for letters without a model: a docxtpl template and a plain context in, DOCX out.

naskah's document models cover nota dinas, undangan, notulen, laporan and disposisi.
Other letters (surat tugas, surat edaran, keputusan...) can be written as a docxtpl
template of one's own and rendered by :func:`render_template` with a plain dict,
through the same compiled, sandboxed, escaping :class:`~naskah.docx.template.Template`.
The output is what docxtpl would write for the same template and context (see
``tests/test_docxtpl_parity.py`` for the differences naskah chooses), including the
Jinja tags docxtpl renders in the core properties; no naskah metadata is added, as
the letter is not a naskah document.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
from lxml import etree

from naskah.docx.compiler import guarded, read_file
from naskah.docx.layout import CORE_NS
from naskah.docx.package import MAX_UNPACKED_BYTES
from naskah.docx.template import Template, make_environment
from naskah.errors import InputError, TemplateError

Filters = Mapping[str, Callable[..., Any]]

# The core properties docxtpl renders as templates (python-docx's names), in its order.
_PROPERTIES = (("author", "dc:creator"), ("comments", "dc:description"),
               ("identifier", "dc:identifier"), ("language", "dc:language"),
               ("subject", "dc:subject"), ("title", "dc:title"))
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
_CACHED = 8
_CACHED_BYTES = 8 * 1024 * 1024  # a larger template is compiled on every call


def render_template(
    path: str | os.PathLike[str], context: Mapping[str, Any], *, filters: Filters | None = None
) -> bytes:
    """Render a docxtpl template of one's own with ``context``: the DOCX bytes.

    For letters naskah has no model for. ``context`` is a plain mapping (strings,
    numbers, lists, dicts, and :mod:`naskah.docx.values`' ``RichText``,
    ``RichTextParagraph``, ``Listing``, ``InlineImage`` and sub-documents from
    :func:`~naskah.docx.subdoc.new_subdoc`); ``filters`` adds Jinja filters (name to
    function). As for naskah's own documents, every value is escaped, the template runs
    in Jinja's sandbox and may not include other files, and a variable the template
    needs but ``context`` lacks is an error (:class:`~naskah.errors.TemplateError`
    naming them all), never a blank: a variable used only under ``|default`` or
    ``is defined`` may be left out. The compiled template is kept for the next call
    with the same file content and filters.
    """
    p = Path(path)
    blob = read_file(p)
    return _compiled(blob, str(p), _check_filters(filters)).render(context, str(p))


class _Freeform:
    """A user's template compiled once, with its core-property templates."""

    def __init__(self, blob: bytes, name: str, filters: Filters) -> None:
        self.sha256 = hashlib.sha256(blob).hexdigest()
        self.template = Template(blob, name, make_environment(filters, check=True, budgeted=True))
        layout = self.template.package
        self.core_part = layout.core_part
        self.core = next((m.content() for m in layout.members if m.name == self.core_part),
                         None)
        env = jinja2.sandbox.ImmutableSandboxedEnvironment(
            undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
        env.filters.update(filters)
        self.properties: list[tuple[str, jinja2.Template]] = []
        variables, optional = set(self.template.variables), set(self.template.optional)
        if self.core is not None:
            root = etree.fromstring(self.core, _PARSER)
            from jinja2 import meta

            for prop, qname in _PROPERTIES:
                found = root.find(_clark(qname))
                text = found.text if found is not None and found.text else ""
                try:
                    ast = env.parse(text)
                except jinja2.TemplateSyntaxError as exc:
                    raise TemplateError(f"template {name} has a Jinja syntax error in its "
                                        f"{prop} property: {exc.message}") from None
                variables |= meta.find_undeclared_variables(ast)
                optional |= guarded(ast)
                self.properties.append((qname, env.from_string(ast)))
        self.required = frozenset(variables - optional)

    def render(self, context: Mapping[str, Any], name: str) -> bytes:
        missing = self.required - context.keys()
        if missing:
            raise TemplateError(f"template {name} uses variables the context does not "
                                f"provide: {', '.join(sorted(missing))}")
        rendering = self.template.start()
        rendering.source = self.sha256  # its sub-documents must be made for this template
        rendering.exact = True
        self.template.render(context, rendering)
        if self.core_part is not None and self.core is not None:
            rendering.parts[self.core_part] = self._core(context, name)
        data = rendering.write(rebuild_content_types=True)
        size = sum(m.size for m in rendering.layout.members if m.name not in rendering.parts)
        size += sum(len(blob) for blob in rendering.parts.values())
        if size > MAX_UNPACKED_BYTES:
            raise TemplateError(f"template {name}: the rendered document would expand to "
                                f"more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB")
        return data

    def _core(self, context: Mapping[str, Any], name: str) -> bytes:
        assert self.core is not None
        root = etree.fromstring(self.core, _PARSER)
        ctx = dict(context)
        for qname, compiled in self.properties:
            try:
                text = compiled.render(ctx)
            except jinja2.TemplateError as exc:
                raise TemplateError(f"template {name}, property {qname}: {exc}") from None
            if len(text) > 255:  # python-docx's limit, and Word's
                raise TemplateError(f"template {name}: property {qname} renders to "
                                    f"{len(text)} characters; at most 255 are allowed")
            element = root.find(_clark(qname))
            if element is None:  # python-docx adds it at the end, even when empty
                element = etree.SubElement(root, _clark(qname))
            try:
                element.text = text
            except ValueError as exc:  # characters XML cannot hold
                raise TemplateError(f"template {name}, property {qname}: {exc}") from None
        return bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=True,
                                    standalone=True))


def _clark(qname: str) -> str:
    prefix, local = qname.split(":")
    return f"{{{CORE_NS[prefix]}}}{local}"


def _check_filters(filters: Filters | None) -> Filters:
    if filters is None:
        return {}
    if not isinstance(filters, Mapping):
        raise InputError("filters: expected a mapping of filter names to functions")
    for key, fn in filters.items():
        if not isinstance(key, str) or not key.isidentifier() or not callable(fn):
            raise InputError(f"filters: {key!r} must be a name mapped to a function")
    return filters


_cache: OrderedDict[tuple[str, tuple[tuple[str, Any], ...]], _Freeform] = OrderedDict()
_lock = threading.Lock()


def _compiled(blob: bytes, name: str, filters: Filters) -> _Freeform:
    key = (hashlib.sha256(blob).hexdigest(), tuple(sorted(filters.items())))
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    compiled = _Freeform(blob, name, filters)
    if len(blob) <= _CACHED_BYTES:
        with _lock:
            _cache[key] = compiled
            while len(_cache) > _CACHED:
                _cache.popitem(last=False)
    return compiled


__all__ = ["render_template"]

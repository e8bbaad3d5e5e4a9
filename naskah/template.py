"""Template: a docxtpl template parsed and compiled once, rendered many times.

docxtpl re-reads, re-patches and re-compiles a template's XML on every render.
:class:`Template` does that work once per template and process, then each render
only evaluates the compiled Jinja templates and rebuilds the document from the
cached bytes. The Jinja environment is strict and escaping:

- ``autoescape``: docxtpl's default is off, and then ``&`` or ``<`` in user text
  corrupts the DOCX;
- ``StrictUndefined``: a variable the context lacks is an error, never a blank;
- a ``finalize`` hook that also neutralises docxtpl's own ``{_{`` markers, so text
  like ``{_{ x }_}`` comes out literally too;
- a sandbox (:class:`jinja2.sandbox.ImmutableSandboxedEnvironment`): a template is
  data from outside, and must not reach Python internals
  (``cycler.__init__.__globals__.os``) or change the values it is given;
- no ``{% include %}``, ``{% import %}`` or ``{% extends %}``: a template is one
  self-contained file, and may not pull others from disk.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from jinja2 import meta, nodes
from jinja2.exceptions import SecurityError
from markupsafe import Markup, escape

from naskah.errors import TemplateError
from naskah.package import MAX_TEMPLATE_BYTES, PackageTooLarge, check_zip, read_capped

_BODY = "body"
# docxtpl turns these back into '{{', '}}', '{%', '%}' after rendering.
_DOCXTPL_MARKERS = re.compile(r"(?<=[{}%])_|_(?=[{}%])")


def _finalize(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, Markup):
        return Markup(_DOCXTPL_MARKERS.sub("&#95;", str(escape(value))))
    return value


def make_environment() -> jinja2.Environment:
    """The sandboxed Jinja environment every naskah template is compiled in."""
    return jinja2.sandbox.ImmutableSandboxedEnvironment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        keep_trailing_newline=True,
    )


class Template:
    """A compiled docxtpl template.

    Create it with :meth:`load`; it is immutable and safe to share across threads,
    since every render works on a fresh document built from the cached bytes.
    """

    def __init__(self, blob: bytes, name: str, env: jinja2.Environment | None = None) -> None:
        self.name = name
        self._blob = blob
        self._env = env or make_environment()
        try:
            check_zip(blob)
            probe = DocxTemplate(io.BytesIO(blob))
            probe.init_docx()
        except PackageTooLarge as exc:
            raise TemplateError(f"template {name} is refused: it {exc}") from None
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError,
                SyntaxError) as exc:
            # lxml's XMLSyntaxError is a SyntaxError: a part that is not well-formed XML.
            raise TemplateError(f"template {name} is not a readable DOCX file: {exc}") from None
        self._parts: dict[str, jinja2.Template] = {}
        variables: set[str] = set()
        try:
            for key, xml in self._sources(probe):
                ast = self._env.parse(xml)
                _refuse_other_files(ast, name)
                variables |= meta.find_undeclared_variables(ast)
                self._parts[key] = self._env.from_string(ast)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(
                f"template {name} has a Jinja syntax error near line {exc.lineno}: {exc.message}"
            ) from None
        except RecursionError:
            raise TemplateError(f"template {name} is nested too deeply to compile") from None
        self.variables: frozenset[str] = frozenset(variables)
        """Top-level context names the template uses."""

    @classmethod
    def load(
        cls, path: str | os.PathLike[str], env: jinja2.Environment | None = None
    ) -> Template:
        """Read and compile a template file."""
        p = Path(path)
        try:
            blob = read_capped(p, MAX_TEMPLATE_BYTES)
        except PackageTooLarge as exc:
            raise TemplateError(f"template {p} is refused: it is {exc}") from None
        except OSError as exc:
            raise TemplateError(f"cannot read template {p}: {exc.strerror}") from None
        except ValueError as exc:
            raise TemplateError(f"cannot read template {p}: {exc}") from None
        return cls(blob, str(p), env)

    @staticmethod
    def _sources(tpl: DocxTemplate) -> Iterator[tuple[str, str]]:
        """The patched XML of the body and every header and footer, keyed for reuse."""
        yield _BODY, _prepare(tpl.patch_xml(tpl.get_xml()))
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            for rel_key, part in tpl.get_headers_footers(uri):
                yield rel_key, _prepare(tpl.patch_xml(tpl.get_part_xml(part)))

    def check(self, context: Mapping[str, Any]) -> None:
        """Raise TemplateError naming every variable the template uses but the context lacks."""
        unknown = self.variables - context.keys()
        if unknown:
            raise TemplateError(
                f"template {self.name} uses variables this document type does not provide: "
                f"{', '.join(sorted(unknown))}. Available: {', '.join(sorted(context))}"
            )

    def new_document(self) -> DocxTemplate:
        """A fresh docxtpl document of this template, to bind images to before rendering."""
        return _CompiledRendering(self)

    def render(self, context: Mapping[str, Any], doc: DocxTemplate | None = None) -> DocxTemplate:
        """Render into ``doc`` (a fresh document by default), ready for ``save``."""
        self.check(context)
        doc = doc if doc is not None else self.new_document()
        try:
            doc.render(dict(context))
        except jinja2.UndefinedError as exc:
            raise TemplateError(f"template {self.name}: {exc.message}") from None
        except SecurityError as exc:
            raise TemplateError(f"template {self.name} was refused by the sandbox: {exc}") from None
        except jinja2.TemplateError as exc:
            raise TemplateError(f"template {self.name} failed to render: {exc}") from None
        return doc

    def _render_part(self, doc: DocxTemplate, key: str, part: Any, context: dict[str, Any]) -> str:
        doc.current_rendering_part = part  # InlineImage reads it to place its relationship
        xml = self._parts[key].render(context)
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace(
            "%_}", "%}"
        )
        return str(doc.resolve_listing(xml))


_OTHER_FILES = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)


def _refuse_other_files(ast: nodes.Template, name: str) -> None:
    for node in ast.find_all(_OTHER_FILES):
        tag = type(node).__name__.lower().replace("fromimport", "from ... import")
        raise TemplateError(
            f"template {name} uses {{% {tag} %}} near line {node.lineno}: a template must be "
            "one self-contained file; include, import and extends are not allowed"
        )


def _prepare(xml: str) -> str:
    # Same step docxtpl's render_xml_part takes before compiling; done once here.
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


class _CompiledRendering(DocxTemplate):  # type: ignore[misc]
    """One rendering of a :class:`Template`: docxtpl keeps per-render state on the object."""

    def __init__(self, template: Template) -> None:
        super().__init__(io.BytesIO(template._blob))
        self._compiled = template

    def build_xml(self, context: dict[str, Any], jinja_env: Any = None) -> str:
        return self._compiled._render_part(self, _BODY, self.docx._part, context)

    def build_headers_footers_xml(
        self, context: dict[str, Any], uri: str, jinja_env: Any = None
    ) -> Iterator[tuple[str, bytes]]:
        for rel_key, part in self.get_headers_footers(uri):
            xml = self._compiled._render_part(self, rel_key, part, context)
            yield rel_key, xml.encode("utf-8")

    def render_properties(self, context: dict[str, Any], jinja_env: Any = None) -> None:
        # Core properties are set from data after rendering, never through Jinja:
        # user text there must not be evaluated as a template.
        return None

    def render_footnotes(self, context: dict[str, Any], jinja_env: Any = None) -> None:
        # docxtpl would use a fresh, non-escaping environment here.
        super().render_footnotes(context, self._compiled._env)


__all__ = ["Template", "make_environment"]

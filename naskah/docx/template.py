"""Template: a docxtpl template parsed and compiled once, rendered many times.

docxtpl re-reads, re-patches and re-compiles a template's XML on every render.
:class:`Template` does that work once per template and process, then each render
only evaluates the compiled Jinja templates on the parts with tags and writes a
package whose other parts are copied still compressed (:mod:`naskah.docx.rendering`).
The Jinja environment is strict and escaping:

- ``autoescape``: docxtpl's default is off, and then ``&`` or ``<`` in user text
  corrupts the DOCX;
- ``StrictUndefined``: a variable the context lacks is an error, never a blank;
- a ``finalize`` hook that also neutralises docxtpl's own ``{_{`` markers, so text
  like ``{_{ x }_}`` comes out literally too;
- a sandbox (:class:`jinja2.sandbox.ImmutableSandboxedEnvironment`): a template is
  data from outside, and must not reach Python internals
  (``cycler.__init__.__globals__.os``) or change the values it is given; naskah's own
  values (:mod:`naskah.docx.values`) show it no attribute at all;
- a variable used only under ``|default`` or ``is defined`` may be missing (the others
  are checked up front);
- no ``{% include %}``, ``{% import %}`` or ``{% extends %}``: a template is one
  self-contained file, and may not pull others from disk.

A template from outside (:meth:`Template.load`) is also refused when it points outside
the document (:mod:`naskah.docx.eksternal`: linked pictures, OLE, frames, INCLUDEPICTURE
fields, checked again after each render), and renders within a budget of time, loop
steps and sizes (:mod:`naskah.docx.anggaran`). Shipped templates are trusted.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
from jinja2.exceptions import SecurityError
from markupsafe import Markup, escape

from naskah.docx.appearance import Appearance, Huruf, patched_parts
from naskah.docx.compiler import read_file
from naskah.docx.rendering import ACTIVE, Rendering
from naskah.docx.values import Opaque, check_text
from naskah.errors import NaskahError, TemplateError

# docxtpl turns these back into '{{', '}}', '{%', '%}' after rendering.
_DOCXTPL_MARKERS = re.compile(r"(?<=[{}%])_|_(?=[{}%])")


def _finalize(value: Any) -> Any:
    if isinstance(value, str):
        if isinstance(value, Markup):
            return value
        escaped = escape(value)
        if "_" in escaped:  # the marker search only where a marker can be
            return Markup(_DOCXTPL_MARKERS.sub("&#95;", str(escaped)))
        return escaped
    if type(value) in _PLAIN:
        return value
    module = type(value).__module__
    # A python-docx object would print as its repr. docxtpl's values check nothing and
    # need a DocxTemplate (its links and images): refused in naskah.render_template.
    if module.startswith("docx.") or (module.startswith("docxtpl") and _own_values()):
        raise TemplateError(
            f"a {type(value).__name__} from {module.split('.')[0]} cannot be printed by a "
            "naskah template: use naskah.docx's RichText, RichTextParagraph, Listing, "
            "InlineImage or new_subdoc")
    return value


_PLAIN = frozenset({int, float, bool, type(None)})


def _own_values() -> bool:
    rendering = ACTIVE.get(None)
    return rendering is not None and bool(rendering.source)


class _Sandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """The immutable sandbox, and naskah's own template values are opaque in it."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, Opaque):
            return False  # e.g. a sub-document's python-docx methods (save)
        return bool(super().is_safe_attribute(obj, attr, value))


def _finalize_checked(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, Markup):
        check_text(value)
    return _finalize(value)


@functools.cache
def _budgeted_sandbox() -> type[_Sandbox]:
    from naskah.docx.anggaran import BudgetedEnvironment

    class BudgetedSandbox(BudgetedEnvironment, _Sandbox):
        """naskah's sandbox with the budget of a template from outside."""

    return BudgetedSandbox


def make_environment(
    filters: Mapping[str, Callable[..., Any]] | None = None, *, check: bool = False,
    budgeted: bool = False,
) -> jinja2.Environment:
    """The sandboxed Jinja environment every naskah template is compiled in.

    ``filters`` adds the caller's own Jinja filters (name to function), as docxtpl's
    ``jinja_env.filters[...]`` does; what they return is escaped like any value.
    ``check`` refuses printed text a DOCX cannot hold (:func:`check_text`), for
    contexts that did not come through naskah's models. ``budgeted`` bounds time, loop
    steps and sizes, for a template from outside (:mod:`naskah.docx.anggaran`).
    """
    env = (_budgeted_sandbox() if budgeted else _Sandbox)(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize_checked if check else _finalize,
        keep_trailing_newline=True,
    )
    if filters:
        env.filters.update(filters)
    return env


class Template:
    """A compiled docxtpl template.

    Create it with :meth:`load` (or :meth:`packaged` for a template shipped with
    naskah); it is immutable and safe to share across threads. Compiling reads the
    package once: the parts with Jinja tags (body, headers, footers, footnotes) are
    patched the way docxtpl patches them and compiled; every other part is kept as its
    compressed bytes. :meth:`start` begins one rendering.
    """

    precompiled: bool = False
    """Whether the Jinja code came precompiled (:mod:`naskah.docx.templates.compiled`)."""

    def __init__(self, blob: bytes, name: str, env: jinja2.Environment | None = None, *,
                 trusted: bool = False) -> None:
        from naskah.docx import anggaran, eksternal
        from naskah.docx.compiler import compile_parts, read_sources  # compiling only

        self.name = name
        self._env = env or make_environment(budgeted=not trusted)
        self._budgeted = isinstance(self._env, anggaran.BudgetedEnvironment)
        self._trusted = trusted
        self.package, sources = read_sources(blob, name)
        if not trusted:
            eksternal.refuse(blob, name)
        count = anggaran.count_loop_steps if self._budgeted else (lambda ast: ast)
        parts, variables, optional = compile_parts(
            sources, name, self._env, lambda _, ast: self._env.from_string(count(ast)))
        self._parts: dict[str, jinja2.Template] = dict(parts)
        self.variables: frozenset[str] = variables
        """Top-level context names the template uses."""
        self.optional: frozenset[str] = optional
        """Those of :attr:`variables` the template guards (``|default``, ``is defined``):
        a context may lack them."""
        self._restyled: dict[Huruf, dict[str, bytes]] = {}

    @classmethod
    def load(
        cls, path: str | os.PathLike[str], env: jinja2.Environment | None = None
    ) -> Template:
        """Read and compile a template file."""
        p = Path(path)
        return cls(read_file(p), str(p), env)

    @classmethod
    def packaged(cls, path: str | os.PathLike[str]) -> Template:
        """Read a template shipped with naskah, with its precompiled Jinja code.

        The code generated when the template was built (``tools/build_templates.py``)
        is used only while the file's sha256 and the installed jinja2 version are the
        ones it was generated from; otherwise the template compiles as :meth:`load`
        compiles it. Every precompiled template shares one environment, made by
        :func:`make_environment` like any other.
        """
        p = Path(path)
        blob = read_file(p)
        from naskah.docx.templates.compiled import find

        found = find(p.name, blob)
        if found is None:
            return cls(blob, str(p), trusted=True)
        template = cls.__new__(cls)
        template.name = str(p)
        template._budgeted, template._trusted = False, True
        template._env = env = shared_environment()
        # The bytes are the template checked and read when the code was generated.
        template.package = found.package(blob)
        # The environment binds to each module once (always this one): from_module_dict
        # sets the module's ``environment`` global, which the generated code reads.
        template._parts = {
            key: env.template_class.from_module_dict(env, module.__dict__, env.make_globals(None))
            for key, module in found.parts.items()
        }
        template.variables = found.variables
        template.optional = found.optional
        template._restyled = {}
        template.precompiled = True
        return template

    def check(self, context: Mapping[str, Any]) -> None:
        """Raise TemplateError naming every variable the template needs but the context lacks.

        A variable the template only uses under ``|default`` or ``is defined`` is not
        needed (:attr:`optional`).
        """
        unknown = self.variables - self.optional - context.keys()
        if unknown:
            raise TemplateError(
                f"template {self.name} uses variables this document type does not provide: "
                f"{', '.join(sorted(unknown))}. Available: {', '.join(sorted(context))}"
            )

    def start(self) -> Rendering:
        """Begin one rendering: bind images to it, then :meth:`Rendering.render`."""
        return Rendering(self.package)

    def render(
        self,
        context: Mapping[str, Any],
        rendering: Rendering | None = None,
        *,
        page_size_mm: tuple[float, float] | None = None,
        appearance: Appearance | None = None,
    ) -> Rendering:
        """Render the tagged parts into ``rendering`` (a fresh one by default).

        ``page_size_mm`` (width, height) replaces every section's paper size;
        ``appearance`` sets a profile's page setup, fonts, sizes and spacing
        (:mod:`naskah.docx.appearance`).
        """
        self.check(context)
        rendering = rendering if rendering is not None else self.start()
        ctx = dict(context)
        active = ACTIVE.set(rendering)  # for values that place images or links
        try:
            for key, compiled in self._parts.items():
                rendering.current = key  # an image places its relationship in this part
                xml = _post_process(self._render_part(compiled, ctx, key))
                if key == self.package.main:
                    rendering.set_body(xml, page_size_mm,
                                       appearance.halaman if appearance else None)
                else:
                    rendering.set_part(key, xml)
        except jinja2.UndefinedError as exc:
            raise TemplateError(f"template {self.name}: {exc.message}") from None
        except SecurityError as exc:
            raise TemplateError(f"template {self.name} was refused by the sandbox: {exc}") from None
        except jinja2.TemplateError as exc:
            raise TemplateError(f"template {self.name} failed to render: {exc}") from None
        except NaskahError:
            raise  # an image the context could not give, a budget exceeded: as they are
        except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError,
                MemoryError) as exc:
            # A template from outside may divide by zero or index past a list's end:
            # one message naming it, never a traceback.
            if self._trusted:
                raise
            raise TemplateError(f"template {self.name} failed to render: "
                                f"{type(exc).__name__}: {str(exc)[:300]}") from None
        finally:
            ACTIVE.reset(active)
        if appearance is not None:
            rendering.parts.update(self.restyled(appearance.huruf))
        return rendering

    def restyled(self, huruf: Huruf) -> dict[str, bytes]:
        """The template's styles and settings parts with ``huruf`` applied (computed once
        per profile font setting, then shared)."""
        parts = self._restyled.get(huruf)
        if parts is None:
            parts = self._restyled[huruf] = patched_parts(self.package, huruf)
        return parts

    def _render_part(self, compiled: jinja2.Template, ctx: dict[str, Any], key: str) -> str:
        if not self._budgeted:
            return compiled.render(ctx)
        from naskah.docx import anggaran, eksternal

        xml = anggaran.generate(compiled, ctx, self.name)
        if not self._trusted:
            eksternal.refuse_rendered(xml, self.name, key)
        return xml


_shared: jinja2.Environment | None = None


def shared_environment() -> jinja2.Environment:
    """The one environment every precompiled template is bound to.

    Jinja's generated code reads ``environment`` as a module global, so a module can
    serve one environment only: all precompiled templates share this one.
    """
    global _shared
    if _shared is None:
        _shared = make_environment()
    return _shared


def _post_process(xml: str) -> str:
    # The steps docxtpl's render_xml_part takes after Jinja, in the same order.
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if not _LISTING_CHARS.search(xml):
        return xml  # docxtpl's resolve_listing would return it unchanged
    return _PARAGRAPH.sub(_resolve_paragraph, xml)


# docxtpl's resolve_listing, applied only to the paragraphs that contain a listing
# character (tab, bell, newline, form feed); other paragraphs come out unchanged.
_LISTING_CHARS = re.compile("[\t\a\n\f]")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
_RUN = re.compile(r"<w:r(?: [^>]*)?>.*?</w:r>", re.DOTALL)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>.*?</w:t>", re.DOTALL)
_PPR = re.compile(r"<w:pPr>.*?</w:pPr>")
_RPR = re.compile(r"<w:rPr>.*?</w:rPr>")


def _resolve_paragraph(m: re.Match[str]) -> str:
    paragraph = m.group(0)
    if not _LISTING_CHARS.search(paragraph):
        return paragraph
    found = _PPR.search(paragraph)
    ppr = found.group(0) if found else ""

    def run(r: re.Match[str]) -> str:
        found = _RPR.search(r.group(0))
        rpr = found.group(0) if found else ""
        return _TEXT.sub(lambda t: _resolve_text(t.group(0), ppr, rpr), r.group(0))

    return _RUN.sub(run, paragraph)


def _resolve_text(xml: str, ppr: str, rpr: str) -> str:
    xml = xml.replace("\t", f'</w:t></w:r><w:r>{rpr}<w:tab/></w:r><w:r>{rpr}'
                             '<w:t xml:space="preserve">')
    xml = xml.replace("\a", f'</w:t></w:r></w:p><w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">')
    xml = xml.replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
    return xml.replace("\f", '</w:t></w:r></w:p><w:p><w:r><w:br w:type="page"/></w:r></w:p>'
                              f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">')


__all__ = ["Rendering", "Template", "make_environment", "shared_environment"]

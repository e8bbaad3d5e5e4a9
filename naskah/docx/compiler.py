"""Reading a template to compile it: its layout and the patched XML of its tagged parts.

The parts with Jinja tags (body, headers, footers, footnotes) are patched the way
docxtpl patches them (python-docx and docxtpl are imported here only, when a
template is compiled), parsed in the sandboxed environment, refused if they pull in
other files, and compiled: into a :class:`jinja2.Template` at run time
(:class:`naskah.template.Template`), or into Python source when the shipped
templates are built (:func:`compile_sources`, for :mod:`naskah.docx.templates.compiled`).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import jinja2
from jinja2 import nodes

from naskah.docx.layout import PackageLayout
from naskah.docx.package import MAX_TEMPLATE_BYTES, PackageTooLarge, check_zip, read_capped
from naskah.errors import TemplateError

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

T = TypeVar("T")

_METADATA_PREFIX = "customXml/naskah-metadata"
_FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_OTHER_FILES = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)


def read_file(p: Path) -> bytes:
    """A template file's bytes, capped; TemplateError naming the file otherwise."""
    try:
        return read_capped(p, MAX_TEMPLATE_BYTES)
    except PackageTooLarge as exc:
        raise TemplateError(f"template {p} is refused: it is {exc}") from None
    except OSError as exc:
        raise TemplateError(f"cannot read template {p}: {exc.strerror}") from None
    except ValueError as exc:
        raise TemplateError(f"cannot read template {p}: {exc}") from None


def read_layout(blob: bytes, name: str) -> PackageLayout:
    """A template package's layout, after the zip-bomb caps and the template checks."""
    try:
        check_zip(blob)
        package = PackageLayout.read(blob)
    except PackageTooLarge as exc:
        raise TemplateError(f"template {name} is refused: it {exc}") from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as exc:
        # lxml's XMLSyntaxError is a SyntaxError: a part that is not well-formed XML.
        raise TemplateError(f"template {name} is not a readable DOCX file: {exc}") from None
    if any(m.name.startswith(_METADATA_PREFIX) for m in package.members):
        # Its metadata part would clash with the one every render adds.
        raise TemplateError(f"template {name} is a document naskah rendered (it holds "
                            "naskah metadata), not a template; start from a template")
    return package


def read_sources(blob: bytes, name: str) -> tuple[PackageLayout, list[tuple[str, str]]]:
    """A template's layout and the patched XML of each part Jinja has to render."""
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate

    package = read_layout(blob, name)
    try:
        probe = DocxTemplate(io.BytesIO(blob))
        probe.init_docx()
        sources = [(key, xml) for key, xml in _sources(probe)
                   # a part rendering would give back unchanged is copied as stored
                   if key == package.main or not _is_static(xml)]
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError,
            SyntaxError) as exc:
        raise TemplateError(f"template {name} is not a readable DOCX file: {exc}") from None
    return package, sources


def compile_parts(
    sources: list[tuple[str, str]], name: str, env: jinja2.Environment,
    compile_part: Callable[[str, nodes.Template], T],
) -> tuple[list[tuple[str, T]], frozenset[str], frozenset[str]]:
    """Each part parsed in ``env``, checked, and compiled by ``compile_part(key, ast)``.

    Returns the compiled parts, the template's top-level variables, and those of them
    it guards somewhere with ``|default`` or ``is defined`` (:func:`guarded`). Raises
    TemplateError for a Jinja syntax error, a template nested too deeply to compile, or
    an include, import or extends.
    """
    from jinja2 import meta

    compiled: list[tuple[str, T]] = []
    variables: set[str] = set()
    optional: set[str] = set()
    try:
        for key, xml in sources:
            ast = env.parse(xml)
            _refuse_other_files(ast, name)
            variables |= meta.find_undeclared_variables(ast)
            optional |= guarded(ast)
            compiled.append((key, compile_part(key, ast)))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"template {name} has a Jinja syntax error near line {exc.lineno}: {exc.message}"
        ) from None
    except RecursionError:
        raise TemplateError(f"template {name} is nested too deeply to compile") from None
    return compiled, frozenset(variables), frozenset(optional & variables)


_DEFAULT_FILTERS = ("default", "d")
_DEFINED_TESTS = ("defined", "undefined")


def guarded(ast: nodes.Template) -> set[str]:
    """Names the template itself is ready to find missing: ``x|default(...)``, ``x is defined``.

    Such a name is not required up front (:meth:`Template.check`); wherever it is used
    unguarded and reached while missing, StrictUndefined still makes it an error.
    """
    names = set()
    for node in ast.find_all((nodes.Filter, nodes.Test)):
        wanted = _DEFAULT_FILTERS if isinstance(node, nodes.Filter) else _DEFINED_TESTS
        if node.name in wanted and isinstance(node.node, nodes.Name):
            names.add(node.node.name)
    return names


def compile_sources(
    blob: bytes, name: str, env: jinja2.Environment
) -> tuple[list[tuple[str, str]], frozenset[str], frozenset[str]]:
    """Jinja's generated Python module source for each tagged part, the variables and
    the optional ones (as :func:`compile_parts`).

    What ``tools/compile_templates.py`` writes into :mod:`naskah.docx.templates.compiled`
    (``defer_init``: the code binds its environment when loaded, not when generated).
    """
    _, sources = read_sources(blob, name)
    return compile_parts(sources, name, env,
                         lambda key, ast: env.compile(ast, key, raw=True, defer_init=True))


def _sources(tpl: DocxTemplate) -> Iterator[tuple[str, str]]:
    """The patched XML of every part with tags, keyed by its name in the zip."""
    yield tpl.docx.part.partname.lstrip("/"), _prepare(tpl.patch_xml(tpl.get_xml()))
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _, part in tpl.get_headers_footers(uri):
            yield part.partname.lstrip("/"), _prepare(tpl.patch_xml(tpl.get_part_xml(part)))
    for part in tpl.docx.part.package.parts:
        if part.content_type == _FOOTNOTES_CT:
            xml = part.blob.decode("utf-8")
            yield part.partname.lstrip("/"), _prepare(tpl.patch_xml(xml))


def _refuse_other_files(ast: nodes.Template, name: str) -> None:
    for node in ast.find_all(_OTHER_FILES):
        tag = type(node).__name__.lower().replace("fromimport", "from ... import")
        raise TemplateError(
            f"template {name} uses {{% {tag} %}} near line {node.lineno}: a template must be "
            "one self-contained file; include, import and extends are not allowed"
        )


def _prepare(xml: str) -> str:
    # A '&' typed in a tag is '&amp;' in the XML; Jinja must see '&', or a string literal
    # ("A & B") would be escaped a second time on output.
    if "&amp;" in xml:
        xml = _IN_TAG.sub(lambda m: m.group(0).replace("&amp;", "&"), xml)
    # Same step docxtpl's render_xml_part takes before compiling; done once here.
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


_IN_TAG = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})")  # what docxtpl's clean_tags reads


def _is_static(source: str) -> bool:
    """Whether a patched part has nothing Jinja or docxtpl's post-processing would change."""
    return not re.search(r"[{}]|_[{}%]|\t|\a|\f|\n(?!<w:p[ >])", source)


__all__ = ["compile_parts", "compile_sources", "guarded", "read_file", "read_layout",
           "read_sources"]

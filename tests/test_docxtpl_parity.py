"""docxtpl's own test templates through :func:`naskah.render_template`, against stock docxtpl.

``tests/docxtpl_templates`` holds the templates and pictures of docxtpl's test suite
(python-docx-template v0.20.1, the test files of the installed 0.20.2; LGPL-2.1, see
``LICENSE.txt`` and ``SOURCE.md`` there). Each case is one render of one of docxtpl's
test scripts (``tests/*.py`` of that repository), with that script's context: the
stock rendering (docxtpl with the script's Jinja environment, saved by python-docx)
and naskah's are compared part by part: the same part names; XML parsed and
canonicalised (C14N), binary parts byte for byte; relationships, content types and
core properties compared as sets of children (their order and the blank text between
them carry no meaning).

The deliberate differences are listed in :data:`DIFFERENCES`, and each case names the
ones it meets; each is asserted, not skipped. In short: naskah's values replace
docxtpl's (they need no ``DocxTemplate``, and a link takes its URL), a missing variable
is an error, media replacement and merging another DOCX are not offered, and a
template error is naskah's :class:`~naskah.TemplateError`.
"""

from __future__ import annotations

import io
import json
import sys
import types
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
import jinja2
import pytest
from docx.shared import Inches, Mm
from lxml import etree

import naskah
from naskah.docx import subdoc, values

TEMPLATES = Path(__file__).parent / "docxtpl_templates"

DIFFERENCES = {
    "values": "naskah.docx's RichText, RichTextParagraph, Listing and InlineImage take the "
              "place of docxtpl's: they need no DocxTemplate, so InlineImage takes a path "
              "and a size in mm, and a link is RichText(..., url=) instead of "
              "url_id=tpl.build_url_id(url); the XML is the same",
    "subdoc": "a sub-document is naskah.docx.new_subdoc(template) instead of "
              "tpl.new_subdoc(); it is built with the same python-docx calls",
    "missing": "a variable the template needs but the context lacks is an error naming it, "
               "never a blank: the case renders both with the variable given",
    "replace": "media replacement (replace_media, replace_pic, replace_embedded, "
               "replace_zipname) is not offered: put the picture in the template or use "
               "an InlineImage; the stock side renders without the replacement",
    "merge": "a sub-document merged from another DOCX file (new_subdoc(path), which needs "
             "docxcompose) is refused with a TemplateError",
    "error": "a Jinja syntax error is naskah's TemplateError naming the line, not jinja2's",
}


class Kit:
    """How a context is built: docxtpl's values (``tpl`` given) or naskah's."""

    def __init__(self, template: Path, tpl: Any = None) -> None:
        self.template, self.tpl = template, tpl
        if tpl is None:
            self.RichText: Any = values.RichText
            self.RichTextParagraph: Any = values.RichTextParagraph
            self.Listing: Any = values.Listing
        else:
            import docxtpl

            self.RichText = docxtpl.RichText
            self.RichTextParagraph = docxtpl.RichTextParagraph
            self.Listing = docxtpl.Listing

    def link(self, rt: Any, text: str, url: str) -> None:
        if self.tpl is None:
            rt.add(text, url=url)
        else:
            rt.add(text, url_id=self.tpl.build_url_id(url))

    def image(self, name: str, width_mm: float | None = None,
              height_mm: float | None = None) -> Any:
        if self.tpl is None:
            return values.InlineImage(TEMPLATES / name, width_mm=width_mm, height_mm=height_mm)
        from docxtpl import InlineImage

        return InlineImage(self.tpl, str(TEMPLATES / name),
                           width=None if width_mm is None else Mm(width_mm),
                           height=None if height_mm is None else Mm(height_mm))

    def subdoc(self) -> Any:
        return self.tpl.new_subdoc() if self.tpl is not None else subdoc.new_subdoc(
            self.template)


Context = Callable[[Kit], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """One render of one of docxtpl's test scripts."""

    script: str
    template: str
    context: Context | None = None
    env: str | None = None  # the script's Jinja environment: "filters" or "autoescape"
    differences: tuple[str, ...] = ()
    missing: dict[str, Any] = field(default_factory=dict)  # "missing": what naskah needs too
    contexts: tuple[dict[str, Any], ...] = ()  # several renders of one template


def _plain(data: dict[str, Any]) -> Context:
    return lambda kit: data


def _cellbg(kit: Kit) -> dict[str, Any]:
    rt = kit.RichText
    return {"alerts": [
        {"date": "2015-03-10", "desc": rt("Very critical alert", color="FF0000", bold=True),
         "type": "CRITICAL", "bg": "FF0000"},
        {"date": "2015-03-11", "desc": rt("Just a warning"), "type": "WARNING", "bg": "FFDD00"},
        {"date": "2015-03-12", "desc": rt("Information"), "type": "INFO", "bg": "8888FF"},
        {"date": "2015-03-13", "desc": rt("Debug trace"), "type": "DEBUG", "bg": "FF00FF"},
    ]}


def _escape(kit: Kit) -> dict[str, Any]:
    return {
        "myvar": kit.RichText('"less than" must be escaped : <, this can be done with '
                              "RichText() or R()"),
        "myescvar": 'It can be escaped with a "|e" jinja filter in the template too : < ',
        "nlnp": kit.RichText("Here is a multiple\nlines\nstring\aand some\aother\aparagraphs",
                             color="#ff00ff"),
        "mylisting": kit.Listing("the listing\nwith\nsome\nlines\nand special chars : <>& ..."),
        "page_break": kit.RichText("\f"),
        "new_listing": "\nThis is a new listing\nNow, does not require Listing() Object\n"
                       "Here is a \t tab\a\nHere is a new paragraph\a\n"
                       "Here is a page break : \f\nThat's it\n",
        "some_html": "HTTP/1.1 200 OK\nServer: Apache-Coyote/1.1\nCache-Control: no-store\n"
                     "Expires: Thu, 01 Jan 1970 00:00:00 GMT\nPragma: no-cache\n"
                     "Content-Type: text/html;charset=UTF-8\nContent-Language: zh-CN\n"
                     "Date: Thu, 22 Oct 2020 10:59:40 GMT\nContent-Length: 9866\n\n<html>\n"
                     "<head>\n    <title>Struts Problem Report</title>\n    <style>\n"
                     "    \tpre {\n\t    \tmargin: 0;\n\t        padding: 0;\n\t    }    \n"
                     "    </style>\n</head>\n<body>\n...\n</body>\n</html>",
    }


def _escape_auto(kit: Kit) -> dict[str, Any]:
    return {"nested_dict": {unicodedata.name(c): c for c in "<\"&'>"},
            "autoescape": 'Escaped "str & ing"!',
            "autoescape_unicode": "This is an escaped <unicode> example \u4f60 & \u6211",
            "iteritems": lambda x: x.items()}


def _richtext(kit: Kit) -> dict[str, Any]:
    rt = kit.RichText()
    rt.add("a rich text", style="myrichtextstyle")
    rt.add(" with ")
    rt.add("some italic", italic=True)
    rt.add(" and ")
    rt.add("some violet", color="#ff00ff")
    rt.add(" and ")
    rt.add("some striked", strike=True)
    rt.add(" and ")
    rt.add("some Highlighted", highlight="#ffff00")
    rt.add(" and ")
    rt.add("some small", size=14)
    rt.add(" or ")
    rt.add("big", size=60)
    rt.add(" text.")
    rt.add("\nYou can add an hyperlink, here to ")
    kit.link(rt, "google", "http://google.com")
    for text in ("\nEt voilà ! ", "\n1st line", "\n2nd line", "\n3rd line",
                 "\aA new paragraph : <cool>\a", "--- A page break here (see next page) ---\f"):
        rt.add(text)
    for ul in ("single", "double", "thick", "dotted", "dash", "dotDash", "dotDotDash", "wave"):
        rt.add("\nUnderline : " + ul + " \n", underline=ul)
    rt.add("\nFonts :\n", underline=True)
    rt.add("Arial\n", font="Arial")
    rt.add("Courier New\n", font="Courier New")
    rt.add("Times New Roman\n", font="Times New Roman")
    rt.add("\n\nHere some")
    rt.add("superscript", superscript=True)
    rt.add(" and some")
    rt.add("subscript", subscript=True)
    embedded = kit.RichText("an example of ")
    embedded.add(rt)
    return {"example": embedded}


def _richtext_paragraph(kit: Kit) -> dict[str, Any]:
    rtp, rt = kit.RichTextParagraph(), kit.RichText()
    for text, style in [
        ("The rich text paragraph function allows paragraph styles to be added to text",
         "myrichparastyle"),
        ("Any built in paragraph style can be used", "IntenseQuote"),
        ("or you can add your own, unlocking all style options", "createdStyle"),
        ("To use, just create a style in your template word doc with the formatting you want "
         "and call it in the code.", "normal"),
        ("This allows for the use of", None),
        ("custom bullet\apoints", "SquareBullet"),
        ("Numbered Bullet Points", "BasicNumbered"),
        ("and Alpha Bullet Points.", "alphaBracketNumbering"),
        ("You can", "normal"), ("set the", "centerAlign"), ("text alignment", "rightAlign"),
        ("as well as the spacing between lines of text. Like this for example, this text has "
         "very tight spacing between the lines.\aIt also has no space between paragraphs of "
         "the same style.", "TightLineSpacing"),
        ("Unlike this one, which has extra large spacing between lines for when you want to "
         "space things out a bit or just write a little less.", "WideLineSpacing"),
        ("You can also set the background colour of a line.", "LineShadingGreen"),
    ]:
        rtp.add(text, parastyle=style)
    rt.add("This works with ")
    rt.add("Rich ", bold=True)
    rt.add("Text ", italic=True)
    rt.add("Strings", underline="single")
    rt.add(" too.")
    rtp.add(rt, parastyle="SquareBullet")
    return {"example": rtp}


_FRAMEWORKS = [
    ("django", "The web framework for perfectionists with deadlines"),
    ("zope", "Zope is a leading Open Source Application Server and Content Management "
             "Framework"),
    ("pyramid", "Pyramid is a lightweight Python web framework aimed at taking small web apps "
                "into big web apps."),
    ("bottle", "Bottle is a fast, simple and lightweight WSGI micro web-framework for Python"),
    ("tornado", "Tornado is a Python web framework and asynchronous networking library."),
]


def _inline_image(kit: Kit) -> dict[str, Any]:
    return {"myimage": kit.image("python_logo.png", width_mm=20),
            "myimageratio": kit.image("python_jpeg.jpg", width_mm=30, height_mm=60),
            "frameworks": [{"image": kit.image(f"{name}.png", height_mm=10), "desc": desc}
                           for name, desc in _FRAMEWORKS]}


def _header_footer_inline_image(kit: Kit) -> dict[str, Any]:
    return {"inline_image": kit.image("django.png", height_mm=10),
            "images": [kit.image("python.png", height_mm=10) for _ in range(3)]}


def _subdoc(kit: Kit) -> dict[str, Any]:
    sd = kit.subdoc()
    sd.add_paragraph("This is a sub-document inserted into a bigger one")
    p = sd.add_paragraph("It has been ")
    p.add_run("dynamically").style = "dynamic"
    p.add_run(" generated with python by using ")
    p.add_run("python-docx").italic = True
    p.add_run(" library")
    sd.add_heading("Heading, level 1", level=1)
    sd.add_paragraph("This is an Intense quote", style="IntenseQuote")
    sd.add_paragraph("A picture :")
    sd.add_picture(str(TEMPLATES / "python_logo.png"), width=Inches(1.25))
    sd.add_paragraph("A Table :")
    table = sd.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Qty", "Id", "Desc"), strict=True):
        cell.text = text
    for row in ((1, 101, "Spam"), (2, 42, "Eggs"), (3, 631, "Spam,spam, eggs, and ham")):
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = str(value)
    return {"mysubdoc": sd}


def _header_footer(title: str, company: str, text: str) -> Context:
    def context(kit: Kit) -> dict[str, Any]:
        sd = kit.subdoc()
        sd.add_paragraph(text)
        return {"title": title, "company_name": company, "date": "2016-03-17", "mysubdoc": sd}
    return context


_ITEMS = [{"desc": "Python interpreters", "qty": 2, "price": "FREE"},
          {"desc": "Django projects", "qty": 5403, "price": "FREE"},
          {"desc": "Guido", "qty": 1, "price": "100,000,000.00"}]
_PERSON = {"name": "John Doe", "age": 25, "email": "john@example.com", "is_student": True,
           "skills": ["Python", "Django"], "company_name": "Test Corp",
           "author": "Test Author"}
_PERSON_REST = {"has_degree": True, "degree_field": "Computer Science",
                "skills": ["Python", "Django", "JavaScript"],
                "projects": [{"name": "Project A", "year": 2023, "description": "A great project"},
                             {"name": "Project B", "year": 2024,
                              "description": "Another great project"}],
                "page_number": 1, "generation_date": "2024-01-15"}


def _my_filter_a(value: str, my_string_arg: str) -> str:
    return value + " " + my_string_arg


def _my_filter_b(value: float, my_float_arg: float) -> float:
    return value + my_float_arg


FILTERS = {"my_filterA": _my_filter_a, "my_filterB": _my_filter_b}

CASES = [
    Case("cellbg", "cellbg_tpl.docx", _cellbg, differences=("values",)),
    Case("comments", "comments_tpl.docx", _plain({})),
    Case("custom_jinja_filters", "custom_jinja_filters_tpl.docx",
         _plain({"base_value_string": " Hello", "base_value_float": 1.5}), env="filters",
         differences=("missing",), missing={"doc_no": "ND-1/2026"}),
    Case("doc_properties", "doc_properties_tpl.docx", _plain({"test": "HelloWorld"})),
    Case("dynamic_table", "dynamic_table_tpl.docx", _plain({
        "col_labels": ["fruit", "vegetable", "stone", "thing"],
        "tbl_contents": [
            {"label": "yellow", "cols": ["banana", "capsicum", "pyrite", "taxi"]},
            {"label": "red", "cols": ["apple", "tomato", "cinnabar", "doubledecker"]},
            {"label": "green", "cols": ["guava", "cucumber", "aventurine", "card"]}]})),
    Case("embedded (embedded_embedded_docx_tpl)", "embedded_embedded_docx_tpl.docx",
         _plain({"name": "John Doe"})),
    Case("embedded (embedded_main_tpl)", "embedded_main_tpl.docx", _plain({"name": "John Doe"}),
         differences=("replace",)),
    Case("escape", "escape_tpl.docx", _escape, differences=("values",)),
    Case("escape_auto", "escape_tpl_auto.docx", _escape_auto, env="autoescape"),
    Case("footnotes", "footnotes_tpl.docx", _plain({"a_jinja_variable": "A Jinja variable!"})),
    Case("get_undeclared_variables", "get_undeclared_variables.docx", _plain(_PERSON),
         differences=("missing",), missing=_PERSON_REST),
    Case("header_footer", "header_footer_tpl.docx", _header_footer(
        "Header and footer test", "The World Wide company",
        "This is a sub-document to check it does not break header and footer"),
        differences=("subdoc",)),
    Case("header_footer_entities", "header_footer_entities_tpl.docx",
         _plain({"title": "Header and footer test"})),
    Case("header_footer_image", "header_footer_image_tpl.docx",
         _plain({"mycompany": "The World Wide company"}), differences=("replace",)),
    Case("header_footer_image_file_obj", "header_footer_image_tpl.docx",
         _plain({"mycompany": "The World Wide company"}), differences=("replace",)),
    Case("header_footer_inline_image", "header_footer_inline_image_tpl.docx",
         _header_footer_inline_image, differences=("values",)),
    Case("header_footer_utf8", "header_footer_tpl_utf8.docx", _header_footer(
        "헤더와 푸터", "세계적 회사", "This is a sub-document to check it does not break header "
        "and footer with utf-8 characters inside the template .docx"), differences=("subdoc",)),
    Case("horizontal_merge", "horizontal_merge_tpl.docx", _plain({})),
    Case("inline_image", "inline_image_tpl.docx", _inline_image, env="autoescape",
         differences=("values",)),
    Case("less_cells_after_loop", "less_cells_after_loop_tpl.docx", _plain({})),
    Case("merge_docx", "merge_docx_master_tpl.docx", differences=("merge",)),
    Case("merge_paragraph", "merge_paragraph_tpl.docx", _plain({"living_in_town": True})),
    Case("module_execute", "module_execute_tpl.docx",
         _plain(json.loads((TEMPLATES / "module_execute.json").read_text(encoding="utf-8")))),
    Case("multi_rendering", "multi_rendering_tpl.docx", contexts=(
        {"title": "Title ONE", "body": "This is the body for first document"},
        {"title": "Title TWO", "body": "This is the body for second document"},
        {"title": "Title THREE", "body": "This is the body for third document"})),
    Case("nested_for", "nested_for_tpl.docx", _plain({
        "dishes": [
            {"name": "Pizza", "ingredients": ["bread", "tomato", "ham", "cheese"]},
            {"name": "Hamburger", "ingredients": ["bread", "chopped steak", "cheese", "sauce"]},
            {"name": "Apple pie", "ingredients": ["flour", "apples", "suggar", "quince jelly"]}],
        "authors": [
            {"name": "Saint-Exupery", "books": [{"title": "Le petit prince"},
                                                {"title": "L'aviateur"},
                                                {"title": "Vol de nuit"}]},
            {"name": "Barjavel", "books": [{"title": "Ravage"}, {"title": "La nuit des temps"},
                                           {"title": "Le grand secret"}]}]})),
    Case("order", "order_tpl.docx", _plain({
        "customer_name": "Eric", "items": _ITEMS, "in_europe": True, "is_paid": False,
        "company_name": "The World Wide company", "total_price": "100,000,000.00"})),
    Case("preserve_spaces", "preserve_spaces_tpl.docx",
         _plain({"tag_1": "looking", "tag_2": "too"})),
    Case("replace_picture", "replace_picture_tpl.docx", _plain({}), differences=("replace",)),
    Case("richtext", "richtext_tpl.docx", _richtext, differences=("values",)),
    Case("richtext_and_if", "richtext_and_if_tpl.docx",
         lambda kit: {"foobar": kit.RichText("Foobar!", color="ff0000")},
         differences=("values",)),
    Case("richtext_eastAsia", "richtext_eastAsia_tpl.docx", lambda kit: {
        "example": kit.RichText("测试TEST", font="eastAsia:Microsoft YaHei"),
        "Chinese": kit.RichText("测试TEST", font="eastAsia:微软雅黑"),
        "simsun": kit.RichText("测试TEST", font="eastAsia:SimSun")}, differences=("values",)),
    Case("richtextparagraph", "richtext_paragraph_tpl.docx", _richtext_paragraph,
         differences=("values",)),
    Case("subdoc", "subdoc_tpl.docx", _subdoc, differences=("subdoc",)),
    Case("template_error", "template_error_tpl.docx",
         _plain({"test_variable": "test variable value"}), differences=("error",)),
    Case("vertical_merge", "vertical_merge_tpl.docx",
         _plain({"items": _ITEMS, "total_price": "100,000,000.00", "category": "Book"})),
    Case("vertical_merge_nested", "vertical_merge_nested_tpl.docx", _plain({})),
    Case("word2016", "word2016_tpl.docx", lambda kit: {
        "test_space": "          ", "test_tabs": 5 * "\t",
        "test_space_r": kit.RichText("          "), "test_tabs_r": kit.RichText(5 * "\t")},
        differences=("values",)),
]


def _docxtpl() -> Any:
    """docxtpl, able to make a sub-document without a file as it can without docxcompose.

    docxtpl 0.20 imports docxcompose for ``Subdoc`` but uses it only for
    ``new_subdoc(path)``, which the cases do not call; docxcompose is not a dependency
    of naskah, so stand-in modules let ``tpl.new_subdoc()`` import.
    """
    try:
        import docxcompose  # noqa: F401
    except ImportError:
        class Composer:
            def __init__(self, doc: Any) -> None:
                self.doc = doc

        for name, attrs in {"docxcompose": {}, "docxcompose.properties": {"CustomProperties":
                                                                         object},
                            "docxcompose.utils": {"xpath": None, "NS": {}},
                            "docxcompose.composer": {"Composer": Composer}}.items():
            module = types.ModuleType(name)
            module.__dict__.update(attrs)
            sys.modules.setdefault(name, module)
    import docxtpl

    return docxtpl


def stock(case: Case, extra: dict[str, Any]) -> list[bytes]:
    """docxtpl's renderings, as the case's script makes them (plus ``extra`` values)."""
    docxtpl = _docxtpl()
    tpl = docxtpl.DocxTemplate(str(TEMPLATES / case.template))
    env = None
    if case.env == "filters":
        env = jinja2.Environment()
        env.filters.update(FILTERS)
    elif case.env == "autoescape":
        env = jinja2.Environment(autoescape=True)
    out = []
    for context in case.contexts or ({},):
        given = case.context(Kit(TEMPLATES / case.template, tpl)) if case.context else context
        tpl.render({**given, **extra}, env)
        saved = io.BytesIO()
        tpl.save(saved)
        out.append(saved.getvalue())
    return out


def ours(case: Case, extra: dict[str, Any]) -> list[bytes]:
    """naskah's renderings of the same case."""
    path = TEMPLATES / case.template
    filters = FILTERS if case.env == "filters" else None
    return [naskah.render_template(path, {**(case.context(Kit(path)) if case.context else c),
                                          **extra}, filters=filters)
            for c in case.contexts or ({},)]


_SETS = ("[Content_Types].xml", ".rels", "docProps/core.xml")
_BLANKLESS = etree.XMLParser(remove_blank_text=True)


def canonical(name: str, blob: bytes) -> bytes:
    """A part in canonical form: C14N for XML, set-like parts with sorted children."""
    if not name.endswith((".xml", ".rels")):
        return blob
    if not name.endswith(_SETS):
        return bytes(etree.tostring(etree.fromstring(blob), method="c14n"))
    root = etree.fromstring(blob, _BLANKLESS)
    children = sorted(root, key=lambda e: etree.tostring(e, method="c14n"))
    for child in list(root):
        root.remove(child)
    root.extend(children)
    return bytes(etree.tostring(root, method="c14n"))


def differing_parts(a: bytes, b: bytes) -> list[str]:
    """The parts of two packages that are not equal in canonical form."""
    with zipfile.ZipFile(io.BytesIO(a)) as za, zipfile.ZipFile(io.BytesIO(b)) as zb:
        names_a, names_b = set(za.namelist()), set(zb.namelist())
        found = [f"only in ours: {n}" for n in sorted(names_a - names_b)]
        found += [f"only in docxtpl's: {n}" for n in sorted(names_b - names_a)]
        found += [n for n in sorted(names_a & names_b)
                  if canonical(n, za.read(n)) != canonical(n, zb.read(n))]
        return found


def test_every_difference_is_documented_and_met() -> None:
    met = {d for case in CASES for d in case.differences}
    assert met == set(DIFFERENCES)
    assert len(CASES) == 37  # docxtpl's 36 scripts; embedded.py renders two templates


@pytest.mark.parametrize("case", CASES, ids=[c.script for c in CASES])
def test_renders_as_stock_docxtpl(case: Case) -> None:
    if "merge" in case.differences:
        other = docx.Document(str(TEMPLATES / "merge_docx_subdoc.docx"))
        with pytest.raises(naskah.TemplateError, match="new_subdoc"):
            naskah.render_template(TEMPLATES / case.template, {"mysubdoc": other})
        return
    if "error" in case.differences:
        with pytest.raises(jinja2.TemplateSyntaxError, match="endif"):
            stock(case, {})
        with pytest.raises(naskah.TemplateError, match=r"syntax error near line \d+.*endif"):
            ours(case, {})
        return
    if "missing" in case.differences:
        with pytest.raises(naskah.TemplateError) as refused:
            ours(case, {})
        named = str(refused.value).rsplit(": ", 1)[1].split(", ")
        given = case.context(Kit(TEMPLATES / case.template)) if case.context else {}
        assert named == sorted(case.missing.keys() - given.keys())
    mine, theirs = ours(case, case.missing), stock(case, case.missing)
    assert len(mine) == len(theirs) == max(1, len(case.contexts))
    for a, b in zip(mine, theirs, strict=True):
        assert differing_parts(a, b) == []


def _words(data: bytes) -> set[str]:
    """Words of four letters or more in the body of a DOCX."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    lines = ["".join(t.text or "" for t in p.iter(f"{w}t")) for p in root.iter(f"{w}p")]
    return {word for line in lines for word in line.split() if len(word) >= 4 and word.isalpha()}


@pytest.mark.pdf
@pytest.mark.libreoffice
def test_every_rendering_opens_in_libreoffice(soffice: str, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from naskah.pdf import convert_to_pdf

    sources = []
    for i, case in enumerate(CASES):
        if {"merge", "error"} & set(case.differences):
            continue
        for n, data in enumerate(ours(case, case.missing)):
            source = tmp_path / f"{i:02d}-{case.template.removesuffix('.docx')}-{n}.docx"
            source.write_bytes(data)
            sources.append(source)
    assert len(sources) == 37  # 37 cases, two refused, multi_rendering renders three
    pdfs = convert_to_pdf(sources, tmp_path / "pdf")  # one batch
    for source, pdf in zip(sources, pdfs, strict=True):
        reader = PdfReader(pdf)
        text = " ".join(page.extract_text() for page in reader.pages)
        words = _words(source.read_bytes())
        assert len(reader.pages) >= 1, source.name
        assert not words or words & set(text.split()), (source.name, sorted(words)[:10])

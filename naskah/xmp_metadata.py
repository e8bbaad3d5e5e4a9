"""Keep a PDF's XMP metadata in step with its document information dictionary.

PDF/A requires the title, author, subject, keywords and creator tool in the XMP
packet to equal those in the information dictionary. LibreOffice writes both; when
naskah stamps its own values into the dictionary it writes them here as well,
leaving everything else (the ``pdfaid`` identification above all) as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_NS = {"rdf": _RDF, "dc": "http://purl.org/dc/elements/1.1/",
       "pdf": "http://ns.adobe.com/pdf/1.3/", "xmp": "http://ns.adobe.com/xap/1.0/"}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# info key -> (XMP property, container: "Alt", "Seq" or None for a simple value)
_MAPPING = {"Title": ("dc:title", "Alt"), "Author": ("dc:creator", "Seq"),
            "Subject": ("dc:description", "Alt"), "Keywords": ("pdf:Keywords", None),
            "Creator": ("xmp:CreatorTool", None)}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


def _set(rdf: Any, qname: str, container: str | None, value: str) -> None:
    prefix, local = qname.split(":")
    tag = f"{{{_NS[prefix]}}}{local}"
    for old in rdf.iter(tag):
        old.getparent().remove(old)
    description = etree.SubElement(rdf, f"{{{_RDF}}}Description", nsmap={prefix: _NS[prefix]})
    description.set(f"{{{_RDF}}}about", "")
    element = etree.SubElement(description, tag)
    if container is None:
        element.text = value
        return
    item = etree.SubElement(etree.SubElement(element, f"{{{_RDF}}}{container}"), f"{{{_RDF}}}li")
    if container == "Alt":
        item.set(_XML_LANG, "x-default")
    item.text = value


def updated_packet(packet: bytes, info: Mapping[str, str]) -> bytes | None:
    """An XMP packet with ``info``'s standard keys written in; None if it has no RDF."""
    root = etree.fromstring(packet, _PARSER)
    rdf = root.find(f".//{{{_RDF}}}RDF") if root.tag != f"{{{_RDF}}}RDF" else root
    if rdf is None:
        return None
    for key, value in info.items():
        if key in _MAPPING:
            _set(rdf, *_MAPPING[key], value)
    body = bytes(etree.tostring(root, encoding="UTF-8"))
    return (b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>' + body
            + b'<?xpacket end="w"?>')


def update_xmp(writer: Any, info: Mapping[str, str]) -> None:
    """Write ``info``'s standard keys into the XMP packet of a pypdf writer, if it has one."""
    from pypdf.generic import NameObject, StreamObject

    root = writer._root_object
    if "/Metadata" not in root:
        return
    data = updated_packet(root["/Metadata"].get_object().get_data(), info)
    if data is None:
        return
    new = StreamObject()
    new.set_data(data)
    new[NameObject("/Type")] = NameObject("/Metadata")
    new[NameObject("/Subtype")] = NameObject("/XML")
    root[NameObject("/Metadata")] = writer._add_object(new)

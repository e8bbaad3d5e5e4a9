"""docxtpl's table grid repair, on an already parsed body.

After rendering, docxtpl makes every table's grid (``w:tblGrid``) agree with its
widest row: columns are added (widths scaled to keep the table's width) or removed
(their width shared among the rest). It counts, like docxtpl, the rows of nested
tables as rows of the outer table too, so a table holding a wider nested table
gains columns: the output must match docxtpl's, quirks included.

This is the same rule as ``DocxTemplate.fix_tables`` with the per-cell Python work
replaced by one pass over the ``w:gridSpan`` elements; ``tests/test_golden.py``
compares the results.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TBL, _TR, _TC, _TCPR, _GRID, _COL, _SPAN = (
    f"{{{_W}}}{tag}" for tag in ("tbl", "tr", "tc", "tcPr", "tblGrid", "gridCol", "gridSpan"))
_WIDTH, _VAL = f"{{{_W}}}w", f"{{{_W}}}val"


def _extra_spans(table: Any) -> dict[Any, int]:
    """Per row, what its cells' gridSpan values add over one column each."""
    extra: dict[Any, int] = {}
    for span in table.iter(_SPAN):
        tcpr = span.getparent()
        cell = tcpr.getparent() if tcpr is not None else None
        row = cell.getparent() if cell is not None else None
        # docxtpl reads the first tcPr of a cell and the first gridSpan in it.
        if (tcpr is None or tcpr.tag != _TCPR or cell is None or cell.tag != _TC
                or row is None or row.tag != _TR or cell.find(_TCPR) is not tcpr
                or tcpr.find(_SPAN) is not span):
            continue
        extra[row] = extra.get(row, 0) + int(span.get(_VAL)) - 1
    return extra


def fix_tables(body: Any) -> None:
    """Repair every table grid under ``body`` in place, as docxtpl does."""
    for table in body.iter(_TBL):
        grid = table.find(_GRID)
        columns = grid.findall(_COL)
        rows = [(row, len(row.findall(_TC))) for row in table.iter(_TR)]
        to_add = max(0, max((n for _, n in rows), default=0) - len(columns))
        if to_add:
            width = sum(float(c.get(_WIDTH)) for c in columns if c.get(_WIDTH) is not None)
            if width > 0:
                old_average = width / len(columns)
                new_average = width / (len(columns) + to_add)
                for c in columns:
                    c.set(_WIDTH, str(int(float(c.get(_WIDTH)) * new_average / old_average)))
                for _ in range(to_add):
                    etree.SubElement(grid, _COL, {_WIDTH: str(int(new_average))})
            columns = grid.findall(_COL)
        extra = _extra_spans(table)
        widest = max((n + extra.get(row, 0) for row, n in rows), default=0)
        to_remove = len(columns) - widest
        if to_remove > 0:
            removed = 0.0
            for c in columns[-to_remove:]:
                removed += float(c.get(_WIDTH))
                grid.remove(c)
            left = grid.findall(_COL)
            share = int(removed / len(left)) if left else 0
            for c in left:
                c.set(_WIDTH, str(int(float(c.get(_WIDTH)) + share)))


__all__ = ["fix_tables"]

"""The board pack's PDF structure tree, finished where WeasyPrint leaves it short of PDF/UA-1.

WeasyPrint 70 (pinned below 71 in pyproject.toml) tags headings, lists, tables and images, but:

- a TH carries no /Scope, though WeasyPrint reads the HTML scope to link each TD to its headers;
- the @page margin boxes ("Page N of M") are drawn as marked content whose structure elements it
  leaves out of the tree (its comment: they could be tagged as Artifact, but only in PDF 2.0), so
  a reader following the content meets the page number in the middle of a table;
- a table that breaks across pages becomes one Table element per page, its header row tagged again
  on each page, so a screen reader announces several tables and reads the headers as data rows;
- the TDs' /Headers name their TH by /ID, but no IDTree maps those ids to the elements, which
  PDF 1.7 (14.7.2) requires for them to be found.

`finish_tags` is WeasyPrint's own finisher hook (write_pdf(finisher=...)): it runs on the pydyf
objects after tagging and before they are written, so the pack needs no second PDF library at run
time. Reading WeasyPrint's layout boxes (the HTML scope, which boxes belong to one HTML table) and
the `mark` it keeps on each table cell ties this to WeasyPrint's internals, which is why the
version is pinned; tests/board/test_pack_pdf.py walks the finished tree with pikepdf and fails if
an upgrade changes them.
"""

from collections.abc import Iterator
from typing import Any

import pydyf

# How a reader meets page furniture and a repeated header row: as pagination, not content.
PAGINATION = pydyf.Dictionary({"Type": "/Pagination"})


def finish_tags(document: Any, pdf: Any) -> None:
    """Give every TH its /Scope, make one Table element of each table broken across pages, and
    turn marked content outside the structure tree (page furniture, repeated header rows) into
    Artifacts."""
    cells = list(_table_cells(document))
    for cell, _ in cells:
        if cell.element_tag == "th":
            # As WeasyPrint links the TDs' /Headers: scope="row" is a row header, any other a column's.
            cell.mark["A"]["Scope"] = "/Row" if cell.element.get("scope") == "row" else "/Column"
    _join_split_tables(pdf, cells)
    in_tree = _unreachable_content_as_artifacts(pdf)
    _id_tree(pdf, in_tree)


def _object(pdf: Any, reference: bytes) -> Any:
    return pdf.objects[int(reference.split()[0])]


def _boxes(box: Any, table: Any = None) -> Iterator[tuple[Any, Any]]:
    """Each layout box with the HTML table it sits in (the nearest <table> box's element)."""
    if getattr(box, "element_tag", None) == "table":
        table = box.element
    yield box, table
    for child in getattr(box, "children", ()):
        yield from _boxes(child, table)


def _table_cells(document: Any) -> Iterator[tuple[Any, Any]]:
    """Each tagged table cell box (WeasyPrint keeps its TH/TD element as `mark`) with its table."""
    for page in document.pages:
        for box, table in _boxes(page._page_box):
            if getattr(box, "mark", None) is not None and box.element_tag in ("th", "td"):
                yield box, table


def _table_element(pdf: Any, element: Any) -> Any:
    while element["S"] != "/Table":
        element = _object(pdf, element["P"])
    return element


def _join_split_tables(pdf: Any, cells: list[tuple[Any, Any]]) -> None:
    """The rows of a table's later pages join the body of its first page's Table element; the
    header row WeasyPrint repeats on each later page leaves the tree (and so becomes an Artifact),
    and the cells that named its headers name the first page's instead."""
    parts: dict[Any, list[Any]] = {}
    for cell, table in cells:
        element = _table_element(pdf, cell.mark)
        found = parts.setdefault(table, [])
        if not any(part is element for part in found):
            found.append(element)
    # Header ids are "table-row-column" with the Table element's number, unique in the document.
    renamed: dict[str, Any] = {}
    for first, *rest in parts.values():
        for part in rest:
            for reference in part["K"]:
                group = _object(pdf, reference)
                if group["S"] == "/THead":
                    renamed |= _header_ids(pdf, group, f"{first.number}-")
                else:
                    _append_group(pdf, first, group)
            parent = _object(pdf, part["P"])
            parent["K"] = pydyf.Array(kid for kid in parent["K"] if kid != part.reference)
    for cell, _ in cells:
        headers = cell.mark["A"].get("Headers")
        if headers is not None and renamed:
            cell.mark["A"]["Headers"] = pydyf.Array(renamed.get(header.string, header) for header in headers)


def _append_group(pdf: Any, table: Any, group: Any) -> None:
    """A row group continues the table's last group of its kind (TBody after TBody), or follows it."""
    last = _object(pdf, table["K"][-1])
    if last["S"] == group["S"]:
        for row in group["K"]:
            _object(pdf, row)["P"] = last.reference
            last["K"].append(row)
    else:
        group["P"] = table.reference
        table["K"].append(group.reference)


def _header_ids(pdf: Any, head: Any, prefix: str) -> dict[str, Any]:
    """A repeated header row's TH ids ("table-row-column", as WeasyPrint numbers them) mapped to
    the same cells' ids in the first page's Table element."""
    renamed = {}
    for row in head["K"]:
        for reference in _object(pdf, row)["K"]:
            cell = _object(pdf, reference)
            if "ID" in cell:
                old = str(cell["ID"].string)
                renamed[old] = pydyf.String(prefix + old.split("-", 1)[1])
    return renamed


def _reachable(pdf: Any, element: Any, found: set[int]) -> set[int]:
    found.add(element.number)
    for kid in element.get("K", ()):
        if isinstance(kid, bytes):
            child = _object(pdf, kid)
            if child.get("Type") == "/StructElem" and child.number not in found:
                _reachable(pdf, child, found)
    return found


def _unreachable_content_as_artifacts(pdf: Any) -> set[int]:
    """Marked content whose structure element is not in the tree becomes an Artifact: its MCID
    leaves the content stream and the parent tree, which PDF/UA-1 requires of page furniture.
    Returns the object numbers of the elements in the tree."""
    root = _object(pdf, pdf.catalog["StructTreeRoot"])
    in_tree = _reachable(pdf, root, set())
    numbers = _object(pdf, root["ParentTree"])["Nums"]
    for index, page_reference in enumerate(pdf.page_references):
        # The parent tree lists each page's elements by MCID, pages first (as WeasyPrint writes it).
        by_mcid = numbers[2 * index + 1]
        outside = {mcid for mcid, element in enumerate(by_mcid) if _object(pdf, element).number not in in_tree}
        if not outside:
            continue
        content = _object(pdf, _object(pdf, page_reference)["Contents"]).stream
        for position, item in enumerate(content):
            if isinstance(item, pydyf.Dictionary) and item.get("MCID") in outside and content[position + 1] == b"BDC":
                by_mcid[item["MCID"]] = "null"
                content[position - 1], content[position] = "/Artifact", PAGINATION
    return in_tree


def _id_tree(pdf: Any, in_tree: set[int]) -> None:
    """The structure tree root's IDTree: each element id in the tree, in key order as a name tree
    keeps them, with its element (a header row that left the tree takes its ids with it)."""
    named = sorted(
        (element["ID"].string, element.reference)
        for number in in_tree
        if isinstance(element := pdf.objects[number], pydyf.Dictionary) and "ID" in element
    )
    names = pydyf.Array()
    for key, reference in named:
        names.extend((pydyf.String(key), reference))
    root = _object(pdf, pdf.catalog["StructTreeRoot"])
    root["IDTree"] = pydyf.Dictionary({"Names": names})

"""The board pack PDF read as a screen reader reads it: through its structure tree (PDF/UA-1),
walked with pikepdf, on a world whose ward and theme tables are long enough to break across pages."""

import io
import re
from dataclasses import dataclass, field

import pikepdf
import pytest

from healthyplaces.board.pack import pack_pdf
from healthyplaces.board.selectors import snapshot_figures
from healthyplaces.board.services import snapshot_freeze
from tests.board.test_services import MEETING
from tests.factories import ThemeFactory, WardFactory

pytestmark = pytest.mark.django_db


@dataclass
class Element:
    role: str
    node: pikepdf.Dictionary
    page: int | None
    parent: "Element | None" = None
    kids: list["Element"] = field(default_factory=list)
    mcids: list[int] = field(default_factory=list)

    def walk(self):
        yield self
        for kid in self.kids:
            yield from kid.walk()

    def rows(self):
        return [element for element in self.walk() if element.role == "/TR"]


def structure_tree(pdf):
    pages = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}

    def build(node, parent):
        page = pages.get(node.Pg.objgen) if "/Pg" in node else (parent.page if parent else None)
        element = Element(str(node.get("/S", "")), node, page, parent)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
            if isinstance(kid, int):
                element.mcids.append(kid)
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/OBJR":
                if "/MCID" in kid:  # a marked-content reference
                    element.mcids.append(int(kid.MCID))
                else:
                    element.kids.append(build(kid, element))
        return element

    return build(pdf.Root.StructTreeRoot, None)


def to_unicode(font):
    """The font's ToUnicode CMap as WeasyPrint writes it (bfchar and bfrange entries)."""
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    table = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            table[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, start in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                table[code] = chr(int(start, 16) + offset)
    return table


def marked_text(page):
    """Each marked-content sequence's text on a page, as (tag, MCID or None, text)."""
    fonts = {str(name): to_unicode(font) for name, font in page.Resources.Font.items()}
    sequences, stack, font = [], [], {}
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            properties = operands[1] if op == "BDC" else None
            mcid = (
                int(properties.MCID) if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties else None
            )
            stack.append([str(operands[0]), mcid, ""])
        elif op == "EMC":
            sequences.append(tuple(stack.pop()))
        elif op == "Tf":
            font = fonts[str(operands[0])]
        elif op in ("Tj", "TJ") and stack:
            parts = operands[0] if op == "TJ" else [operands[0]]
            for part in parts:
                if isinstance(part, pikepdf.String):
                    raw = bytes(part)
                    stack[-1][2] += "".join(font.get(int.from_bytes(raw[i : i + 2]), "") for i in range(0, len(raw), 2))
    return sequences


@pytest.fixture
def pack(world, admin_user):
    # Long enough that the two ward tables and the theme table each break across pages.
    WardFactory.create_batch(45)
    ThemeFactory.create_batch(30)
    snapshot = snapshot_freeze(actor=admin_user, meeting_date=MEETING)
    pdf = pikepdf.open(io.BytesIO(pack_pdf(snapshot)))
    return pdf, structure_tree(pdf), snapshot_figures(snapshot)


def test_every_table_header_cell_has_its_scope(pack):
    _, tree, _ = pack
    headers = [element for element in tree.walk() if element.role == "/TH"]

    assert len(headers) > 150
    for header in headers:
        group = header.parent.parent.role
        assert header.node.A.get("/Scope") == ("/Column" if group == "/THead" else "/Row"), group


def test_a_table_broken_across_pages_is_one_table_with_its_caption_and_one_header_row(pack):
    pdf, tree, figures = pack
    tables = [element for element in tree.walk() if element.role == "/Table"]
    charts_with_rows = [chart for chart in figures.charts.values() if chart.rows]

    for table in tables:
        # The caption is on the page of the table's first data row, never alone at a page's foot.
        kinds = [kid.role for kid in table.kids]
        assert kinds == ["/Caption", "/THead", "/TBody"], kinds
        assert table.kids[0].page == table.kids[2].rows()[0].page
        assert len(table.kids[1].rows()) == 1
    # The actions table and one table per chart: a break does not make a second Table element.
    assert len(tables) == 1 + len(charts_with_rows)
    broken = [table for table in tables if len({row.page for row in table.rows()}) > 1]
    assert len(broken) >= 3
    # Each data cell names its headers by ids the IDTree finds, the first page's for a later page's
    # rows, and each id names a TH in the tree.
    names = pdf.Root.StructTreeRoot.IDTree.Names
    by_id = {bytes(names[i]): names[i + 1].objgen for i in range(0, len(names), 2)}
    headers = {element.node.objgen for element in tree.walk() if element.role == "/TH"}
    assert set(by_id.values()) == headers
    for cell in (element for element in tree.walk() if element.role == "/TD"):
        assert {by_id[bytes(header)] for header in cell.node.A.Headers} <= headers
    # Both ward tables (48 wards) keep every row, each page's rows in page order.
    ward_tables = [table for table in tables if len(table.kids[2].rows()) == 48]
    assert len(ward_tables) == 2
    for table in ward_tables:
        pages = [row.page for row in table.kids[2].rows()]
        assert pages == sorted(pages)


def test_page_furniture_and_repeated_header_rows_are_artifacts(pack):
    pdf, tree, _ = pack
    in_tree = {(element.page, mcid) for element in tree.walk() for mcid in element.mcids}
    total = len(pdf.pages)
    assert total > 5
    repeated_headers = 0
    for number, page in enumerate(pdf.pages, start=1):
        sequences = marked_text(page)
        artifacts = " ".join(text for tag, _, text in sequences if tag == "/Artifact")
        content = " ".join(text for tag, _, text in sequences if tag != "/Artifact")
        assert f"Page {number} of {total}" in artifacts
        assert not re.search(r"Page \d+ of", content)
        # Every other piece of marked content belongs to an element a reader reaches in the tree.
        for tag, mcid, _ in sequences:
            assert tag == "/Artifact" or (number, mcid) in in_tree, (number, tag, mcid)
        repeated_headers += "Ward" in artifacts
    # The header row WeasyPrint repeats where a ward table continues is drawn but not read again.
    assert repeated_headers >= 2


def test_every_chart_is_drawn_as_figures_named_by_alt_that_fit_their_pages(pack):
    pdf, tree, figures = pack
    drawn = [element for element in tree.walk() if element.role == "/Figure"]
    alts = [str(figure.node.Alt) for figure in drawn]
    charts = [chart for chart in figures.charts.values() if chart.rows]

    # A chart's first figure is named by its summary; one taller than a page goes on in parts,
    # each named by the rows it draws, rather than shrinking until its labels cannot be read.
    firsts = [alt for alt in alts if not re.search(r", part \d+ of \d+: .+ to .+\.$", alt)]
    assert len(firsts) == len(charts)
    for alt, chart in zip(firsts, charts, strict=True):
        assert alt.startswith(chart.summary), (alt, chart.summary)
    # 48 wards, two series: 15 rows a part. Four series of reach: 8 rows a part.
    wards_first = firsts[charts.index(figures.chart("funding_wards"))]
    assert re.search(r"Drawn in 4 parts; part 1: Hardwick to Ward \d+\.$", wards_first)
    assert sum(alt.startswith("Funding awarded and paid by ward, part ") for alt in alts) == 3
    assert sum(alt.startswith("Reach by ward, part ") for alt in alts) == 5
    for figure in drawn:
        # WeasyPrint's Layout BBox is in CSS pixels from the page's top left corner.
        x1, y1, x2, y2 = (float(value) for value in figure.node.A.BBox)
        width, height = (float(value) * 96 / 72 for value in pdf.pages[figure.page - 1].MediaBox[2:])
        assert 0 <= x1 < x2 <= width
        assert 0 <= y1 < y2 <= height
        assert y2 - y1 > 50

"""The portal's one small-numbers rule: what may be published of a table of counts (insights,
people reached, conversations, responses), so that nobody in a small community can be identified.

Primary suppression: a count from 1 to 4 is shown as "fewer than 5". Zero stays zero (it
identifies nobody) and is never hidden.

Secondary suppression (the method this portal uses, as ONS and NHS Digital disclosure control
do; totals are NOT rounded): a hidden count must not be recoverable by subtraction from the figures
published beside it. A table is read as its cells plus its margins (row totals, column totals,
grand total), each line adding up to its total. Where a total is published, or may be published
elsewhere, a line with one hidden cell gives that cell away (total minus the visible cells), so
more cells are hidden: the next smallest non-zero cells, chosen so that the hidden cells together
cannot be solved for.

The exact test: draw the table as a graph with a node per row (the totals row included) and per
column (the totals column included); every hidden or unpublished figure is an edge between its row
and its column. Subtracting rows, columns and totals can recover a hidden figure exactly when its
edge is a bridge of that graph (on no cycle). So, while a hidden figure is a bridge, the cheapest
path of further non-zero figures that closes a cycle through it is hidden too (cost: the sum of the
figures newly hidden; the smallest first, in a fixed order, so the same counts always give the
same pattern whatever page shows them). A count hidden this way is shown as "withheld", not
"fewer than 5": it may be any size, and the board must not read a large count as a small one.
This handles the classic trap of hiding one extra cell per row, which can leave a column with a
single hidden cell that its column total then gives away: a column's hidden cell is a bridge
too, and gets its own complement.

Every list of counts is protected as if its total were published (it usually is, somewhere: a
digest's total, a chart's CSV beside another), so a one-dimensional list with one hidden count
always hides its next smallest count too.

Officers and programme admins see exact figures where their work needs them (the insights bank,
its counts and exports, coverage by ward, their own digest); board members, connectors and the
public see figures through this rule. The dashboard, board snapshots and board packs show this
rule's figures to everyone and freeze them as published.

What this rule does not claim: it protects against exact recovery by linear differencing of the
figures published together. Bounds (a hidden count is known to be at least 1) can narrow a hidden
pair whose sum is very small, and comparing figures published at different times (two snapshots)
tells what changed between them."""

import heapq
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

SUPPRESS_BELOW = 5
SUPPRESSED = "fewer than 5"
# A count hidden only so that a hidden small count cannot be worked out: it may be any size, so it
# is not called "fewer than 5".
WITHHELD = "withheld"

# A figure as it may be published: the count, or SUPPRESSED or WITHHELD (plain strings, so a
# figure frozen into JSON reads back the same).
Figure = int | str

Key = TypeVar("Key", bound=Hashable)

# A cell of the extended table: (row, column), where row == n_rows is the totals row and
# column == n_columns the totals column.
Cell = tuple[int, int]


def is_small(count: int) -> bool:
    return 0 < count < SUPPRESS_BELOW


def shown(figure: Figure) -> str:
    return str(figure)


def is_hidden(figure: Figure) -> bool:
    return isinstance(figure, str)


def rank(figure: Figure) -> float:
    """Where a figure sorts among counts, largest first: a hidden count (at least 1) after every
    count shown and before zero; hidden counts are not told apart."""
    return figure if isinstance(figure, int) else 0.5


def shown_count(count: int, *, exact: bool) -> str:
    """One count on its own (no line to subtract it from): exact, or with primary suppression."""
    return str(published_count(count, exact=exact))


def published_count(count: int, *, exact: bool = False) -> Figure:
    """One count on its own as a figure that may be stored or shown (a snapshot keeps these)."""
    return count if exact or not is_small(count) else SUPPRESSED


@dataclass(frozen=True)
class ProtectedTable:
    """What may be published: each figure, or its SUPPRESSED or WITHHELD marker. Margins are None
    when the caller did not publish them."""

    cells: list[list[Figure]]
    row_totals: list[Figure] | None
    column_totals: list[Figure] | None
    total: Figure | None

    @property
    def hidden_cells(self) -> set[Cell]:
        return {(r, c) for r, row in enumerate(self.cells) for c, value in enumerate(row) if is_hidden(value)}


def protect_table(
    cells: Sequence[Sequence[int]],
    *,
    row_totals: Sequence[int] | None = None,
    column_totals: Sequence[int] | None = None,
    total: int | None = None,
) -> ProtectedTable:
    """Primary and secondary suppression of a table of counts and whichever of its margins are
    published (None: not published). Margins are counts too, so a total from 1 to 4 is hidden."""
    n_rows = len(cells)
    n_columns = len(cells[0]) if n_rows else len(column_totals or [])
    values: dict[Cell, int] = {}
    unpublished: set[Cell] = set()
    for r in range(n_rows):
        for c in range(n_columns):
            values[(r, c)] = cells[r][c]
    for r in range(n_rows):
        if row_totals is None:
            unpublished.add((r, n_columns))
        else:
            values[(r, n_columns)] = row_totals[r]
    for c in range(n_columns):
        if column_totals is None:
            unpublished.add((n_rows, c))
        else:
            values[(n_rows, c)] = column_totals[c]
    if total is None:
        unpublished.add((n_rows, n_columns))
    else:
        values[(n_rows, n_columns)] = total
    hidden = {cell for cell, value in values.items() if is_small(value)}
    _complete(values, hidden, unpublished, n_rows, n_columns)

    def figure(cell: Cell) -> Figure:
        if cell not in hidden:
            return values[cell]
        return SUPPRESSED if is_small(values[cell]) else WITHHELD

    return ProtectedTable(
        cells=[[figure((r, c)) for c in range(n_columns)] for r in range(n_rows)],
        row_totals=None if row_totals is None else [figure((r, n_columns)) for r in range(n_rows)],
        column_totals=None if column_totals is None else [figure((n_rows, c)) for c in range(n_columns)],
        total=None if total is None else figure((n_rows, n_columns)),
    )


def protect_columns(columns: Sequence[Sequence[int]], *, labels: Sequence[str]) -> list[list[Figure]]:
    """Several lists of counts over the same labelled rows (a column each, such as reach by
    ward's sources), each protected as a list whose total is published; the rows' own totals
    (adding different things) are not. Ties are broken by label, not by the order the caller
    lists the rows in, so the same counts hide the same figures on every page that shows them."""
    return protect_columns_and_totals(columns, labels=labels)[0]


def protect_columns_and_totals(
    columns: Sequence[Sequence[int]], *, labels: Sequence[str]
) -> tuple[list[list[Figure]], list[Figure]]:
    """protect_columns, with each column's total as it may be published."""
    if not columns:
        return [], []
    order = sorted(range(len(labels)), key=lambda r: (str(labels[r]), r))
    table = protect_table(
        [[column[r] for column in columns] for r in order],
        column_totals=[sum(column) for column in columns],
    )
    published: list[list[Figure]] = [[0] * len(labels) for _ in columns]
    for position, r in enumerate(order):
        for c in range(len(columns)):
            published[c][r] = table.cells[position][c]
    return published, list(table.column_totals or [])


def protect_counts(counts: Mapping[Key, int], *, total: int | None = None) -> tuple[dict[Key, Figure], Figure]:
    """A list of counts by label and its total (the sum when not given; a list whose items may
    overlap, such as insights by theme, passes its own total). Ties are broken by label."""
    keys = sorted(counts, key=str)
    table = protect_table(
        [[counts[key]] for key in keys],
        column_totals=[sum(counts.values()) if total is None else total],
    )
    published = {key: row[0] for key, row in zip(keys, table.cells, strict=True)}
    return published, (table.column_totals or [0])[0]


# --- the graph -------------------------------------------------------------------------------------


def _node(cell: Cell, side: str) -> tuple[str, int]:
    return ("row", cell[0]) if side == "row" else ("column", cell[1])


def _bridges(edges: Sequence[Cell]) -> set[Cell]:
    """The edges of the row-column graph that lie on no cycle (Tarjan's bridge-finding, by
    iteration: tables are small, but recursion depth should not depend on them)."""
    adjacency: dict[tuple[str, int], list[tuple[tuple[str, int], int]]] = {}
    for index, cell in enumerate(edges):
        a, b = _node(cell, "row"), _node(cell, "column")
        adjacency.setdefault(a, []).append((b, index))
        adjacency.setdefault(b, []).append((a, index))
    order: dict[tuple[str, int], int] = {}
    low: dict[tuple[str, int], int] = {}
    bridges: set[Cell] = set()
    for root in sorted(adjacency):
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, -1, iter(adjacency[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            advanced = False
            for neighbour, index in neighbours:
                if index == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = len(order)
                    stack.append((neighbour, index, iter(adjacency[neighbour])))
                    advanced = True
                    break
            if advanced:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    bridges.add(edges[via])
    return bridges


def _cheapest_cycle(values: Mapping[Cell, int], unknown: set[Cell], bridge: Cell) -> list[Cell]:
    """The figures to hide so that `bridge` lies on a cycle: the cheapest path between its row and
    its column over unknown edges (free) and non-zero published ones (their value), ties broken by
    position. Empty if there is none."""
    adjacency: dict[tuple[str, int], list[tuple[tuple[str, int], Cell]]] = {}
    for cell in sorted(unknown | {c for c, v in values.items() if v > 0}):
        if cell == bridge:
            continue
        a, b = _node(cell, "row"), _node(cell, "column")
        adjacency.setdefault(a, []).append((b, cell))
        adjacency.setdefault(b, []).append((a, cell))
    start, goal = _node(bridge, "row"), _node(bridge, "column")
    best: dict[tuple[str, int], tuple[int, int]] = {start: (0, 0)}
    came: dict[tuple[str, int], tuple[tuple[str, int], Cell]] = {}
    queue: list[tuple[int, int, tuple[str, int]]] = [(0, 0, start)]
    while queue:
        cost, length, node = heapq.heappop(queue)
        if node == goal:
            path = []
            while node != start:
                node, cell = came[node]
                path.append(cell)
            return [cell for cell in path if cell not in unknown]
        if (cost, length) > best[node]:
            continue
        for neighbour, cell in adjacency.get(node, []):
            step = 0 if cell in unknown else values[cell]
            candidate = (cost + step, length + 1)
            if neighbour not in best or candidate < best[neighbour]:
                best[neighbour] = candidate
                came[neighbour] = (node, cell)
                heapq.heappush(queue, (*candidate, neighbour))
    return []


def _complete(
    values: Mapping[Cell, int], hidden: set[Cell], unpublished: set[Cell], n_rows: int, n_columns: int
) -> None:
    """Hide further figures (in place) until no hidden figure is a bridge of the unknown edges."""
    while True:
        unknown = hidden | unpublished
        exposed = sorted(_bridges(sorted(unknown)) & hidden, key=lambda cell: (values[cell], cell))
        if not exposed:
            return
        complement = _cheapest_cycle(values, unknown, exposed[0])
        if not complement:
            # Cannot happen for counts (a non-zero cell, its row and column totals and the grand
            # total always close a cycle); hiding the line's totals is the safe fallback.
            complement = [
                cell
                for cell in ((exposed[0][0], n_columns), (n_rows, exposed[0][1]), (n_rows, n_columns))
                if cell in values and cell not in hidden
            ]
            if not complement:
                return
        hidden.update(complement)

"""An attacker's linear algebra: which hidden figures can be solved for from the published ones.

Every published figure is a linear combination of unknown true counts (a cell, a row's total, a
slice of a cube of insights). A hidden figure can be recovered by differencing (totals minus
visible cells, in rows, columns and across tables) exactly when its combination lies in the span
of the published figures' combinations and the relations known to hold (lines adding up to their
totals). Exact rational arithmetic, so no rounding hides a leak."""

from collections.abc import Hashable, Iterable, Mapping
from fractions import Fraction
from typing import Any

Combination = Mapping[Any, int]


class Span:
    """The span of some linear combinations, kept in reduced row echelon form."""

    def __init__(self, combinations: Iterable[Combination] = ()) -> None:
        self.rows: list[tuple[Hashable, dict[Hashable, Fraction]]] = []
        for combination in combinations:
            self.add(combination)

    def _reduce(self, combination: Combination) -> dict[Hashable, Fraction]:
        vector = {key: Fraction(value) for key, value in combination.items() if value}
        for pivot, row in self.rows:
            _subtract(vector, vector.get(pivot), row)
        return vector

    def add(self, combination: Combination) -> None:
        vector = self._reduce(combination)
        if not vector:
            return
        pivot = min(vector, key=repr)
        scale = vector[pivot]
        vector = {key: value / scale for key, value in vector.items()}
        for _, row in self.rows:
            _subtract(row, row.get(pivot), vector)
        self.rows.append((pivot, vector))

    def contains(self, combination: Combination) -> bool:
        return not self._reduce(combination)


def _subtract(target: dict[Hashable, Fraction], factor: Fraction | None, row: Mapping[Hashable, Fraction]) -> None:
    """target -= factor * row, in place, dropping zeros."""
    if not factor:
        return
    for key, value in row.items():
        updated = target.get(key, Fraction(0)) - factor * value
        if updated:
            target[key] = updated
        else:
            target.pop(key, None)


def table_leaks(
    hidden: Iterable[tuple[int, int]], published: Iterable[tuple[int, int]], n_rows: int, n_columns: int
) -> set[tuple[int, int]]:
    """The hidden figures of an (n_rows + 1) x (n_columns + 1) table (the last row and column its
    totals) that rows, columns and the published figures give away."""
    relations: list[dict[Hashable, int]] = []
    for r in range(n_rows + 1):
        relation: dict[Hashable, int] = {(r, c): 1 for c in range(n_columns)}
        relation[(r, n_columns)] = -1
        relations.append(relation)
    for c in range(n_columns + 1):
        relation = {(r, c): 1 for r in range(n_rows)}
        relation[(n_rows, c)] = -1
        relations.append(relation)
    unit: list[dict[Hashable, int]] = [{cell: 1} for cell in published]
    span = Span([*relations, *unit])
    return {cell for cell in hidden if span.contains({cell: 1})}

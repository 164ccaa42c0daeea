"""The small-numbers rule (healthyplaces.core.disclosure): primary suppression of 1 to 4, and
secondary suppression that no subtraction of rows, columns and totals can undo."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthyplaces.core.disclosure import (
    SUPPRESSED,
    WITHHELD,
    is_hidden,
    protect_columns,
    protect_counts,
    protect_table,
    shown,
    shown_count,
)
from tests.support.differencing import table_leaks


def published_and_hidden(table, n_rows, n_columns, *, total_published):
    """The figures of a protected table, each as (row, column) of the table with its margins."""
    published, hidden = [], []
    figures = {(r, c): value for r, row in enumerate(table.cells) for c, value in enumerate(row)}
    if table.row_totals is not None:
        figures |= {(r, n_columns): value for r, value in enumerate(table.row_totals)}
    if table.column_totals is not None:
        figures |= {(n_rows, c): value for c, value in enumerate(table.column_totals)}
    if total_published:
        figures[(n_rows, n_columns)] = table.total
    for cell, value in figures.items():
        (hidden if is_hidden(value) else published).append(cell)
    return published, hidden


@pytest.mark.parametrize(("count", "expected"), [(0, "0"), (1, SUPPRESSED), (4, SUPPRESSED), (5, "5"), (12, "12")])
def test_one_count_hides_one_to_four_and_zero_stays_zero(count, expected):
    assert shown_count(count, exact=False) == expected
    assert shown_count(count, exact=True) == str(count)


def test_the_digest_example_no_longer_gives_food_away():
    # Issue 15: "New insights: 7 / Housing: 5 / Food: fewer than 5" gave Food = 2.
    published, total = protect_counts({"Housing": 5, "Food": 2})

    # Food is fewer than 5; Housing's 5 is withheld (not called small), so 7 - 5 gives nothing.
    assert published == {"Housing": WITHHELD, "Food": SUPPRESSED}
    assert total == 7


def test_the_next_smallest_count_is_hidden_and_zero_never_is():
    published, total = protect_counts({"A": 3, "B": 0, "C": 9, "D": 6, "E": 40})

    assert published == {"A": SUPPRESSED, "B": 0, "C": 9, "D": WITHHELD, "E": 40}
    assert total == 58


def test_the_same_counts_hide_the_same_figures_in_any_order():
    first, _ = protect_counts({"Food": 2, "Housing": 5, "Transport": 5})
    second, _ = protect_counts({"Transport": 5, "Housing": 5, "Food": 2})

    assert first == second


def test_a_small_total_is_hidden_and_a_list_without_small_counts_is_whole():
    assert protect_counts({"A": 2, "B": 1}) == ({"A": SUPPRESSED, "B": SUPPRESSED}, SUPPRESSED)
    assert protect_counts({"A": 5, "B": 0, "C": 7}) == ({"A": 5, "B": 0, "C": 7}, 12)


def test_columns_are_each_protected_with_their_totals():
    assert protect_columns([[2, 9, 6], [0, 0, 5]], labels=["a", "b", "c"]) == [[SUPPRESSED, 9, WITHHELD], [0, 0, 5]]


def test_columns_break_ties_by_label_not_by_order():
    # Two 5s beside a 2: the one hidden with it is the same whichever order the wards come in.
    assert protect_columns([[2, 5, 5]], labels=["Norton", "Hardwick", "Billingham"]) == [[SUPPRESSED, 5, WITHHELD]]
    assert protect_columns([[5, 2, 5]], labels=["Billingham", "Norton", "Hardwick"]) == [[WITHHELD, SUPPRESSED, 5]]


def test_the_classic_trap_one_extra_cell_per_row_leaves_a_column_solvable():
    """Hiding the next smallest cell in each row is not enough: the column of the complement then
    holds one hidden cell, which its column total gives away. The rule hides a rectangle."""
    cells = [[2, 6, 9], [7, 8, 10], [12, 11, 13]]
    n_rows, n_columns = 3, 3
    row_totals = [sum(row) for row in cells]
    column_totals = [sum(column) for column in zip(*cells, strict=True)]
    everything = [(r, c) for r in range(n_rows + 1) for c in range(n_columns + 1)]
    naive_hidden = [(0, 0), (0, 1)]
    naive_published = [cell for cell in everything if cell not in naive_hidden]
    assert table_leaks(naive_hidden, naive_published, n_rows, n_columns) == {(0, 0), (0, 1)}

    table = protect_table(cells, row_totals=row_totals, column_totals=column_totals, total=sum(row_totals))
    published, hidden = published_and_hidden(table, n_rows, n_columns, total_published=True)

    assert table.hidden_cells == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert table_leaks(hidden, published, n_rows, n_columns) == set()


@st.composite
def tables(draw):
    n_rows = draw(st.integers(1, 4))
    n_columns = draw(st.integers(1, 4))
    count = st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 12))
    cells = [[draw(count) for _ in range(n_columns)] for _ in range(n_rows)]
    return cells, draw(st.booleans()), draw(st.booleans()), draw(st.booleans())


@settings(max_examples=400, deadline=None)
@given(tables())
def test_no_hidden_figure_can_be_solved_from_rows_columns_and_totals(drawn):
    cells, rows_published, columns_published, total_published = drawn
    n_rows, n_columns = len(cells), len(cells[0])
    row_totals = [sum(row) for row in cells]
    column_totals = [sum(column) for column in zip(*cells, strict=True)]
    table = protect_table(
        cells,
        row_totals=row_totals if rows_published else None,
        column_totals=column_totals if columns_published else None,
        total=sum(row_totals) if total_published else None,
    )
    published, hidden = published_and_hidden(table, n_rows, n_columns, total_published=total_published)

    assert table_leaks(hidden, published, n_rows, n_columns) == set()
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            figure = table.cells[r][c]
            # Zero stays zero; 1 to 4 is "fewer than 5"; a hidden larger count is "withheld"; a
            # figure shown is the true one.
            expected = SUPPRESSED if 0 < value < 5 else WITHHELD if is_hidden(figure) and value else value
            assert figure == expected
            assert shown(figure) == str(expected)

"""bti.suppression: no hidden cell can be computed from the visible ones (issue 20, item 4).

The check here is independent of the module's own: exact rational elimination
(fractions) over every sum the table publishes.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from bti.suppression import ALL, HIDDEN, SMALL, Dimension, Shown, hierarchical, protect, protected


def exactly_derivable(table, hidden) -> set:
    """Hidden cells determined by the visible ones: Gauss-Jordan over the rationals."""
    hidden = list(hidden)
    index = {k: i for i, k in enumerate(hidden)}
    rows = []
    for total, parts in table.relations:
        row = [Fraction(0)] * len(hidden)
        for k, c in [(total, 1), *((p, -1) for p in parts)]:
            if k in index:
                row[index[k]] += c
        if any(row):
            rows.append(row)
    pivots = []
    r = 0
    for c in range(len(hidden)):
        pivot = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        rows[r] = [v / rows[r][c] for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                f = rows[i][c]
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append((r, c))
        r += 1
    return {hidden[c] for row_i, c in pivots if sum(1 for v in rows[row_i] if v != 0) == 1}


def units_by_service() -> Dimension:
    return Dimension.tree(
        "enhet",
        {
            "barnehage": None,
            "skole": None,
            "helse": None,
            "Lia barnehage": "barnehage",
            "Solsikken barnehage": "barnehage",
            "Solberg skole": "skole",
            "Helsestasjonen": "helse",
        },
    )


def test_the_issues_subtraction_no_longer_works():
    """Total 19 − Lia 9 − Solberg 6 gave Helsestasjonen's suppressed 4."""
    base = {("Lia barnehage",): 9, ("Solsikken barnehage",): 0, ("Solberg skole",): 6, ("Helsestasjonen",): 4}
    table = hierarchical(base, [units_by_service()])
    hidden = protect(table)
    shown = Shown(table, hidden)
    assert shown(("Helsestasjonen",)) == SMALL
    assert shown(("helse",)) == SMALL  # the service total is the same number
    visible = {k: shown(k) for k in table.values if shown.visible(k)}
    # Whatever is still visible, Helsestasjonen cannot be worked out from it.
    assert ("Helsestasjonen",) not in exactly_derivable(table, hidden)
    assert not exactly_derivable(table, hidden)
    assert visible[(ALL,)] == 19 or ("Solberg skole",) in hidden or ("Lia barnehage",) in hidden
    assert shown(("Solsikken barnehage",)) == 0  # a true zero is shown, never «<5»


def test_a_two_dimensional_table_with_margins_is_protected():
    levels = Dimension.flat("nivå", [0, 1, 2, 3], total=True)
    base = {
        ("Lia barnehage", 0): 7,
        ("Lia barnehage", 1): 2,
        ("Solberg skole", 0): 5,
        ("Solberg skole", 2): 1,
        ("Helsestasjonen", 3): 4,
        ("Solsikken barnehage", 1): 6,
    }
    table = hierarchical(base, [units_by_service(), levels])
    hidden = protect(table)
    assert not exactly_derivable(table, hidden)
    shown = Shown(table, hidden)
    assert shown(("Solberg skole", 2)) == SMALL
    assert all(shown(k) in (SMALL, HIDDEN) for k, v in table.values.items() if 0 < v < 5)
    assert all(shown(k) != SMALL for k, v in table.values.items() if v == 0 or v >= 5)


def test_a_range_total_is_shown_only_when_every_month_in_it_is_visible():
    months = Dimension.flat("måned", ["01", "02", "03"])
    shown = protected({("01",): 6, ("02",): 2, ("03",): 7}, [months])
    assert shown.sum_if_all_visible([("01",), ("03",)]) == 13
    assert shown.sum_if_all_visible([("01",), ("02",), ("03",)]) == HIDDEN
    assert shown.sum_if_all_visible([("02",)]) == SMALL


counts = st.integers(min_value=0, max_value=12)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(counts, min_size=4, max_size=4),
    st.lists(counts, min_size=4, max_size=4),
    st.lists(counts, min_size=4, max_size=4),
    st.lists(counts, min_size=4, max_size=4),
)
def test_no_hidden_cell_can_be_derived_in_any_generated_table(lia, sol, solberg, helse):
    levels = Dimension.flat("nivå", [0, 1, 2, 3], total=True)
    base = {}
    for name, row in (
        ("Lia barnehage", lia),
        ("Solsikken barnehage", sol),
        ("Solberg skole", solberg),
        ("Helsestasjonen", helse),
    ):
        for level, n in enumerate(row):
            base[(name, level)] = n
    table = hierarchical(base, [units_by_service(), levels])
    hidden = protect(table)
    assert not exactly_derivable(table, hidden)
    assert all(k in hidden for k, v in table.values.items() if 0 < v < 5)
    assert all(table.values[k] > 0 for k in hidden)

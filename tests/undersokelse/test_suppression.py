"""Property test of complementary suppression: on random kommune → service → unit trees,
no group with 1–4 answers (nor any union of hidden groups with 1–4 answers) can be worked
out from the totals and the visible groups, whatever filter combination is looked at."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from undersokelse.suppression import SMALL, Cell, protect

# A tree: services, each with (residual count, [unit counts]); plus a residual service.
unit_counts = st.lists(st.integers(min_value=0, max_value=14), min_size=0, max_size=4)
service = st.tuples(st.integers(min_value=0, max_value=4), unit_counts)
trees = st.tuples(st.integers(min_value=0, max_value=4), st.lists(service, min_size=1, max_size=4))


def build(spec: tuple[int, list[tuple[int, list[int]]]]) -> tuple[Cell, list[Cell]]:
    residual_service, services = spec
    leaves: list[Cell] = []
    kids = []
    for s_index, (residual_unit, units) in enumerate(services):
        unit_cells = [Cell(("enhet", s_index, u), n) for u, n in enumerate(units)]
        unit_cells.append(Cell(("enhet-ukjent", s_index), residual_unit, shown=False))
        leaves += unit_cells
        kids.append(Cell(("tjeneste", s_index), sum(c.n for c in unit_cells), children=unit_cells))
    other = Cell(("tjeneste-ukjent",), residual_service, shown=False)
    leaves.append(other)
    kids.append(other)
    root = Cell(("alle",), sum(c.n for c in kids), children=kids)
    return root, leaves


def leaf_vector(cell: Cell, leaves: list[Cell]) -> list[Fraction]:
    inside = {id(c) for c in cell.walk() if not c.children}
    return [Fraction(1 if id(leaf) in inside else 0) for leaf in leaves]


def rank(rows: list[list[Fraction]]) -> int:
    if not rows:
        return 0
    matrix = [list(r) for r in rows]
    r = 0
    cols = len(matrix[0]) if matrix else 0
    for c in range(cols):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][c] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        for i in range(len(matrix)):
            if i != r and matrix[i][c] != 0:
                factor = matrix[i][c] / matrix[r][c]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        r += 1
    return r


def zero_rows(leaves: list[Cell]) -> list[list[Fraction]]:
    # A group without answers is known to add nothing (participation counts are shown).
    return [[Fraction(1 if j == i else 0) for j in range(len(leaves))] for i, leaf in enumerate(leaves) if leaf.n == 0]


def derivable(vector: list[Fraction], known: list[list[Fraction]]) -> bool:
    return rank([*known, vector]) == rank(known)


@settings(max_examples=300, deadline=None)
@given(trees)
def test_no_small_group_can_be_derived_from_what_is_shown(spec):
    root, leaves = build(spec)
    hidden = protect(root)
    cells = list(root.walk())
    visible = [c for c in cells if c.key not in hidden and c.n > 0]
    for cell in visible:
        assert cell.n >= SMALL and cell.shown
    known = [leaf_vector(c, leaves) for c in visible] + zero_rows(leaves)
    # Every union of hidden groups that an attacker could add up from the visible ones
    # must hold 0 or at least SMALL answers. Hidden groups are unions of leaves.
    positive = [i for i, leaf in enumerate(leaves) if leaf.n > 0]
    hidden_leaves = [i for i in positive if any(leaves[i] in c.walk() and c.key in hidden for c in cells)]
    for size in range(1, len(hidden_leaves) + 1):
        for combo in combinations(hidden_leaves, size):
            total = sum(leaves[i].n for i in combo)
            if not 0 < total < SMALL:
                continue
            vector = [Fraction(1 if i in combo else 0) for i in range(len(leaves))]
            assert not derivable(vector, known), (spec, combo, sorted(hidden, key=str))


def test_a_group_of_three_is_hidden_with_a_complement():
    units = [Cell(("enhet", 1), 6), Cell(("enhet", 2), 3), Cell(("enhet", 3), 8)]
    root = Cell(("alle",), 17, children=units)
    hidden = protect(root)
    assert ("enhet", 2) in hidden
    assert ("enhet", 1) in hidden  # the smallest visible sibling, so 17 − 8 is 9 answers
    assert ("enhet", 3) not in hidden and ("alle",) not in hidden


def test_a_kommune_under_five_is_hidden_entirely():
    root = Cell(("alle",), 3, children=[Cell(("tjeneste", 1), 3, children=[Cell(("enhet", 1), 3)])])
    assert protect(root) == {("alle",), ("tjeneste", 1), ("enhet", 1)}


def test_a_hidden_complement_cannot_be_added_up_from_its_units():
    # Without rule 3, «Skole» (hidden as the complement of «PPT») would be 6 + 5 = 11, and
    # PPT's 4 answers would follow from the total.
    root, leaves = build((0, [(0, [12]), (0, [6, 5]), (0, [4])]))
    hidden = protect(root)
    visible = [c for c in root.walk() if c.key not in hidden and c.n > 0]
    known = [leaf_vector(c, leaves) for c in visible] + zero_rows(leaves)
    ppt = leaf_vector(root.children[2], leaves)
    assert not derivable(ppt, known)

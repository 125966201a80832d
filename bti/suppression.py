"""Small-number suppression that survives arithmetic (issue 20, item 4; docs/adr/0018).

Hiding every count of 1–4 is not enough: the hostile tester read «Helsestasjonen <5»
and worked out 4 as total 19 − Lia 9 − Solberg 6. Every published table is a set of
cells bound by sums (a total is the sum of its parts, along every dimension), and a
reader knows every visible cell of every filter combination. This module decides once,
for the whole table, which cells to hide so that no hidden cell can be computed from
the visible ones:

1. primary suppression: every cell with 0 < n < ``THRESHOLD``;
2. secondary (complementary) suppression until no sum has exactly one hidden cell;
3. an exact check: the hidden cells are the unknowns of the linear system the visible
   cells leave; any that the system still determines (elimination over a large prime
   field) get another cell hidden beside them, until none is determined.

Zeros are shown: a true zero reveals nothing beyond itself, and a hidden zero would
claim «<5». Secondary cells are never zeros.

The API, for any table (the leader overview, the BTI-koordinator's view, the staff
survey)::

    table = hierarchical(base_counts, [Dimension.tree("enhet", parents), Dimension.flat("nivå")])
    hidden = protect(table)
    shown = Shown(table, hidden)
    shown(("Lia barnehage", ALL))  # -> 9, "<5" or "skjult"

``derivable(table, hidden)`` is the check by itself, for tests and audits.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

THRESHOLD = 5
SMALL = "<5"  # a cell of 1–4
HIDDEN = "skjult"  # a cell hidden so that a small one cannot be worked out
ALL = "*"  # the total over a dimension

Key = tuple[Hashable, ...]
Value = int | str

_PRIME = (1 << 61) - 1


@dataclass(frozen=True)
class Dimension:
    """One dimension of a table: each node's parent (None at a root). A tree dimension has
    one root, ``ALL``, so its total is a cell; a flat one (months of a series, the rules
    of an alarm list) has no total and its members never add up to anything published."""

    name: str
    parents: Mapping[Hashable, Hashable | None]

    @classmethod
    def tree(cls, name: str, parents: Mapping[Hashable, Hashable | None]) -> Dimension:
        """``parents`` maps each node below the root to its parent; nodes whose parent is
        None hang under ``ALL``."""
        full: dict[Hashable, Hashable | None] = {ALL: None}
        full.update({node: (ALL if parent is None else parent) for node, parent in parents.items()})
        return cls(name, full)

    @classmethod
    def flat(cls, name: str, members: Iterable[Hashable], *, total: bool = False) -> Dimension:
        if total:
            return cls.tree(name, dict.fromkeys(members))
        return cls(name, dict.fromkeys(members))

    def ancestors_or_self(self, node: Hashable) -> list[Hashable]:
        chain = [node]
        while (parent := self.parents.get(chain[-1])) is not None:
            chain.append(parent)
        return chain

    def children(self) -> dict[Hashable, list[Hashable]]:
        kids: dict[Hashable, list[Hashable]] = {}
        for node, parent in self.parents.items():
            if parent is not None:
                kids.setdefault(parent, []).append(node)
        return kids


@dataclass
class Table:
    """Cells with their counts, and the sums that bind them: ``(total, parts)``."""

    values: dict[Key, int]
    relations: list[tuple[Key, tuple[Key, ...]]] = field(default_factory=list)


def hierarchical(base: Mapping[Any, int], dims: Sequence[Dimension]) -> Table:
    """Every non-zero cell of the table whose leaves are ``base`` (a key is one leaf node
    per dimension), with a relation for each node with children along each dimension.
    Zero cells are left out: they are shown, known to be zero, and add nothing to a sum."""
    chains = [{node: d.ancestors_or_self(node) for node in d.parents} for d in dims]
    values: dict[Key, int] = {}
    for key, n in base.items():
        if not n:
            continue
        for cell in product(*(chain[k] for chain, k in zip(chains, key, strict=True))):
            values[cell] = values.get(cell, 0) + n
    grouped: dict[tuple[Key, int], list[Key]] = {}
    for cell in values:
        for i, node in enumerate(cell):
            parent = dims[i].parents.get(node)
            if parent is not None:
                grouped.setdefault(((*cell[:i], parent, *cell[i + 1 :]), i), []).append(cell)
    relations = [(total, tuple(parts)) for (total, _i), parts in grouped.items()]
    return Table(values, relations)


def protect(table: Table, *, threshold: int = THRESHOLD) -> frozenset[Key]:
    """The cells to hide: the small ones and enough others that none can be derived.
    Cells no sum connects (the months of a series, the rules of an alarm list) are
    protected as separate tables: the same answer, far less elimination."""
    hidden: set[Key] = set()
    for part in components(table):
        hidden |= _protect_one(part, threshold)
    return frozenset(hidden)


def components(table: Table) -> list[Table]:
    """The table split where no relation binds one part to another."""
    parent: dict[Key, Key] = {}

    def find(k: Key) -> Key:
        root = k
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(k, k) != root:
            parent[k], k = root, parent[k]
        return root

    for total, parts in table.relations:
        r = find(total)
        for p in parts:
            q = find(p)
            if q != r:
                parent[q] = r
    groups: dict[Key, Table] = {}
    for k, v in table.values.items():
        groups.setdefault(find(k), Table({}, [])).values[k] = v
    for relation in table.relations:
        groups[find(relation[0])].relations.append(relation)
    return list(groups.values())


def _protect_one(table: Table, threshold: int) -> set[Key]:
    values = table.values
    hidden = {k for k, v in values.items() if 0 < v < threshold}
    if not hidden:
        return set()
    by_cell: dict[Key, list[int]] = {}
    for i, (total, parts) in enumerate(table.relations):
        for k in (total, *parts):
            by_cell.setdefault(k, []).append(i)
    order = {k: i for i, k in enumerate(values)}  # deterministic tie-breaking

    def partner(relation: tuple[Key, tuple[Key, ...]]) -> Key | None:
        total, parts = relation
        # Prefer the smallest visible non-zero part, so totals stay visible; else the total.
        candidates = [p for p in parts if p not in hidden and values[p] > 0]
        if not candidates and total not in hidden and values[total] > 0:
            candidates = [total]
        return min(candidates, key=lambda k: (values[k], order[k])) if candidates else None

    while True:
        changed = True
        while changed:
            changed = False
            for relation in table.relations:
                total, parts = relation
                if sum(1 for k in (total, *parts) if k in hidden) == 1:
                    extra = partner(relation)
                    if extra is not None:
                        hidden.add(extra)
                        changed = True
        exposed = derivable(table, hidden)
        if not exposed:
            return hidden
        added = False
        for cell in sorted(exposed, key=lambda k: order[k]):
            for i in by_cell.get(cell, []):
                extra = partner(table.relations[i])
                if extra is not None:
                    hidden.add(extra)
                    added = True
                    break
            if added:
                break
        if not added:  # nothing left to hide beside it: hide the exposed cells' relations whole
            for cell in exposed:
                for i in by_cell.get(cell, []):
                    total, parts = table.relations[i]
                    hidden.update(k for k in (total, *parts) if values[k] > 0)
            if not derivable(table, hidden):
                return hidden
            return {k for k, v in values.items() if v > 0}


def derivable(table: Table, hidden: Iterable[Key]) -> set[Key]:
    """The hidden cells whose value the visible cells determine exactly (the relations
    as linear equations over the hidden cells, eliminated over a prime field)."""
    hidden_set = set(hidden)
    if not hidden_set:
        return set()
    rows: list[dict[Key, int]] = []
    for total, parts in table.relations:
        row: dict[Key, int] = {}
        if total in hidden_set:
            row[total] = 1
        for p in parts:
            if p in hidden_set:
                row[p] = (row.get(p, 0) - 1) % _PRIME
        row = {k: c for k, c in row.items() if c}
        if row:
            rows.append(row)
    pivots: dict[Key, dict[Key, int]] = {}
    for row in rows:
        row = dict(row)
        for col, prow in pivots.items():
            c = row.get(col)
            if c:
                for k, v in prow.items():
                    nv = (row.get(k, 0) - c * v) % _PRIME
                    if nv:
                        row[k] = nv
                    else:
                        row.pop(k, None)
        if not row:
            continue
        col = min(row, key=repr)
        inv = pow(row[col], _PRIME - 2, _PRIME)
        row = {k: (v * inv) % _PRIME for k, v in row.items()}
        for other in pivots.values():
            c = other.get(col)
            if c:
                for k, v in row.items():
                    nv = (other.get(k, 0) - c * v) % _PRIME
                    if nv:
                        other[k] = nv
                    else:
                        other.pop(k, None)
        pivots[col] = row
    return {col for col, row in pivots.items() if len(row) == 1}


class Shown:
    """The published face of a protected table: a count, «<5» or «skjult»."""

    def __init__(self, table: Table, hidden: Iterable[Key], *, threshold: int = THRESHOLD) -> None:
        self.table, self.hidden, self.threshold = table, frozenset(hidden), threshold

    def __call__(self, key: Key) -> Value:
        n = self.table.values.get(key, 0)
        if key not in self.hidden:
            return n
        return SMALL if 0 < n < self.threshold else HIDDEN

    def visible(self, key: Key) -> bool:
        return key not in self.hidden

    def sum_if_all_visible(self, keys: Iterable[Key]) -> Value:
        """A total over cells that are not themselves a cell of the table (a period of
        months): shown only when every cell in it is visible, so it adds nothing a reader
        could not already add up. Otherwise «skjult» (or «<5» if small)."""
        keys = list(keys)
        n = sum(self.table.values.get(k, 0) for k in keys)
        if all(self.visible(k) for k in keys):
            return n
        return SMALL if 0 < n < self.threshold else HIDDEN


def protected(base: Mapping[Any, int], dims: Sequence[Dimension], *, threshold: int = THRESHOLD) -> Shown:
    """``hierarchical`` + ``protect`` + ``Shown`` in one call."""
    table = hierarchical(base, dims)
    return Shown(table, protect(table, threshold=threshold), threshold=threshold)


def is_suppressed(value: Any) -> bool:
    return value in (SMALL, HIDDEN)

"""Secondary suppression: which cells of a table to hide so that no small count can be worked out.

`core/disclosure.protect` is the only caller; this module is the arithmetic behind it, kept apart so
the rule (docs/disclosure.md, "Board audience, method suppress") can be read on one page. A cell is
(column, row position); a relation is "total = sum of parts" along which a reader can subtract.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

Cell = tuple[str, int]  # (column, row position)


@dataclass(frozen=True)
class Relation:
    """total = sum(parts): a shown total and all but one shown part give the last part away."""

    total: Cell
    parts: tuple[Cell, ...]


def complement(rate: str) -> str:
    """The virtual column of a rate's complement (denominator − numerator: not met)."""
    return f"{rate}__complement"


def remainder(total: str) -> str:
    """The virtual column of what a total leaves after its shown parts (denominator − met − partly
    met: not met), which a reader can work out whenever the total and those parts are shown."""
    return f"{total}__remainder"


def count_columns(
    counts: Sequence[str],
    rates: Mapping[str, tuple[str, str]],
    parts: Mapping[str, Sequence[str]],
    remainders: Mapping[str, Sequence[str]],
) -> list[str]:
    """Every column holding counts, in first-mention order: a rate's numerator and denominator and
    a relation's cells are counts whether or not the caller listed them."""
    named = [*counts]
    for num, den in rates.values():
        named += [num, den]
    for total, members in [*parts.items(), *remainders.items()]:
        named += [total, *members]
    return list(dict.fromkeys(named))


def virtual_columns(
    values: Mapping[str, list],
    rates: Mapping[str, tuple[str, str]],
    remainders: Mapping[str, Sequence[str]],
) -> dict[str, list]:
    """The cells a reader can work out but no column shows: each rate's complement and each
    total's remainder; NULL where any cell it rests on is NULL."""

    def left(total: str, members: Sequence[str]) -> list:
        rows = zip(values[total], *(values[m] for m in members), strict=True)
        return [None if None in row else row[0] - sum(row[1:]) for row in rows]

    out = {complement(rate): left(den, [num]) for rate, (num, den) in rates.items()}
    out |= {remainder(total): left(total, members) for total, members in remainders.items()}
    return out


def relations(
    count_cols: Sequence[str],
    rates: Mapping[str, tuple[str, str]],
    parts: Mapping[str, Sequence[str]],
    remainders: Mapping[str, Sequence[str]],
    total_row: int | None,
    n_rows: int,
) -> list[Relation]:
    """Every additive relation a reader could subtract along, in a fixed order."""
    out = [
        Relation((total, r), tuple((p, r) for p in members))
        for r in range(n_rows)
        for total, members in parts.items()
    ]
    out += [
        Relation((den, r), ((num, r), (complement(rate), r)))
        for r in range(n_rows)
        for rate, (num, den) in rates.items()
    ]
    out += [
        Relation((total, r), (*((m, r) for m in members), (remainder(total), r)))
        for r in range(n_rows)
        for total, members in remainders.items()
    ]
    if total_row is not None:
        others = tuple(r for r in range(n_rows) if r != total_row)
        out += [Relation((col, total_row), tuple((col, r) for r in others)) for col in count_cols]
    return out


def suppressed_cells(
    values: Mapping[str, list], relations: Sequence[Relation], is_small: Callable[[object], bool]
) -> set[Cell]:
    """Primary cells, then secondary cells until no relation gives a hidden figure away.

    A relation gives one away when exactly one of its cells is hidden (subtract the others), or
    when its total is shown and the total minus the shown parts is a small count (of the hidden
    rows together, or of people only in them where rows overlap, as people in two SDS options). Either way its smallest shown
    part is hidden too (the total only when no part is left), preferring a non-zero cell to a zero
    (hiding a 0 beside a 3 tells the reader the pair sums to 3, which protects little); ties go to
    the earlier column, then the earlier row. A NULL cell is never suppressed and does not count
    as hidden, which errs on the safe side.
    """
    suppressed = {(c, r) for c, col in values.items() for r, v in enumerate(col) if is_small(v)}
    order = {c: i for i, c in enumerate(values)}

    def value(cell: Cell) -> object:
        return values[cell[0]][cell[1]]

    def key(cell: Cell, is_total: bool) -> tuple:
        v = value(cell)
        return (is_total, v == 0, v, order[cell[0]], cell[1])

    def gives_away(rel: Relation) -> bool:
        cells = [rel.total, *rel.parts]
        if sum(c in suppressed for c in cells) == 1:
            return True
        total = value(rel.total)
        if rel.total in suppressed or total is None or sum(p in suppressed for p in rel.parts) < 2:
            return False
        shown = [value(p) for p in rel.parts if p not in suppressed]
        return is_small(total - sum(v for v in shown if v is not None))  # type: ignore[operator]

    changed = True
    while changed:
        changed = False
        for rel in relations:
            if not gives_away(rel):
                continue
            cells = [(rel.total, True), *((p, False) for p in rel.parts)]
            shown = [(c, tot) for c, tot in cells if c not in suppressed and value(c) is not None]
            if shown:
                suppressed.add(min(shown, key=lambda ct: key(*ct))[0])
                changed = True
    return suppressed

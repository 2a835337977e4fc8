"""Fictional place names: partnerships, localities, islands and providers all draw from one pool so
no name repeats within an export."""

from __future__ import annotations

import numpy as np

# The home partnership sorts first by name, so it is the default partnership (cli.md: "else the
# first by name") at every scale.
HOME_AND_PEERS = ("Abbeyglen", "Strathcarron", "Eastmuir")
PREFIXES = (
    "Kirk", "Bal", "Auchen", "Dun", "Inver", "Strath", "Glen", "Loch", "Craig", "Ard", "Fin",
    "Mor", "Tor", "Ben", "Cul", "Drum", "Kil", "Aber",
)  # fmt: skip
SUFFIXES = (
    "bride", "mory", "law", "finn", "muir", "allan", "craig", "end", "nish", "lochy", "ness",
    "haven", "more", "field", "shiel", "ardle",
)  # fmt: skip


class NamePool:
    """Hands out unique fictional names in a seeded order."""

    def __init__(self, rng: np.random.Generator):
        combos = [p + s for p in PREFIXES for s in SUFFIXES if p + s not in HOME_AND_PEERS]
        self._names = [combos[i].capitalize() for i in rng.permutation(len(combos))]
        self._next = 0

    def take(self) -> str:
        """The next unused name; past the pool, names get a numeral so they stay unique."""
        i = self._next
        self._next += 1
        base = self._names[i % len(self._names)]
        return base if i < len(self._names) else f"{base} {i // len(self._names) + 1}"

    def partnership(self, index: int) -> str:
        return HOME_AND_PEERS[index] if index < len(HOME_AND_PEERS) else self.take()

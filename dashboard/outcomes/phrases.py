"""What people said matters: the phrases most often written in outcome text, per domain.

Free text never reaches a board: a controlled (board) policy returns before anything is read. For
an internal audience a phrase is shown only when at least the disclosure threshold of different
people wrote it, and never when it holds a name-like word (capitalised inside the text, other than
"I") or a number-like one (any digit), so a phrase cannot point at one person. Defined in
docs/outcomes.md.
"""

from __future__ import annotations

import re
from collections import defaultdict

import polars as pl

from dashboard.core.disclosure import Policy
from dashboard.core.framework import load_framework
from dashboard.core.page import View
from dashboard.core.query import run
from dashboard.core.settings import Settings
from dashboard.extract.export import Export

TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’]*")
LONGEST, SHOWN = 4, 5  # phrases of two to four words; the five written by most people a domain
FIRST_PERSON = {"i", "i'm", "i’m", "i've", "i’ve", "i'd", "i’d", "i'll", "i’ll"}
# Words a phrase may hold but not start or end with: "see my friends" → "see … friends".
GLUE = {
    "a", "an", "and", "as", "at", "be", "by", "do", "for", "from", "get", "i", "in", "is", "it",
    "me", "my", "of", "on", "or", "so", "the", "to", "up", "us", "want", "we", "with", "our",
    "his", "her", "him", "she", "he", "when", "what", "who", "not", "can", "more", "some",
} | FIRST_PERSON  # fmt: skip


def unsafe(token: str, position: int) -> bool:
    """A name-like or number-like token: any digit, or a capital letter anywhere but the first
    word (and "I")."""
    if any(c.isdigit() for c in token):
        return True
    return position > 0 and token[0].isupper() and token.lower() not in FIRST_PERSON


def phrases_of(text: str) -> set[str]:
    """The phrases of one outcome text: runs of two to four words, lower-cased, that neither start
    nor end with a glue word and hold no unsafe token."""
    tokens = TOKEN.findall(text or "")
    bad = [unsafe(tok, i) for i, tok in enumerate(tokens)]
    words = [tok.lower().replace("’", "'") for tok in tokens]
    out = set()
    for n in range(2, LONGEST + 1):
        for i in range(len(words) - n + 1):
            run_ = words[i : i + n]
            if any(bad[i : i + n]) or run_[0] in GLUE or run_[-1] in GLUE:
                continue
            out.add(" ".join(w.capitalize() if w in FIRST_PERSON else w for w in run_))
    return out


def top_phrases(rows: list[tuple[str, str, str]], threshold: int) -> pl.DataFrame:
    """Per domain, the phrases written by at least `threshold` different people, most people
    first; a phrase inside a longer one shown with the same people is left out as saying less."""
    people: dict[tuple[str, str], set[str]] = defaultdict(set)
    for person, domain, text in rows:
        for phrase in phrases_of(text):
            people[(domain, phrase)].add(person)
    kept: dict[str, list[tuple[str, int]]] = defaultdict(list)
    ranked = sorted(
        people.items(), key=lambda kv: (kv[0][0], -len(kv[1]), -len(kv[0][1]), kv[0][1])
    )
    for (domain, phrase), who in ranked:
        n = len(who)
        if n < threshold or len(kept[domain]) >= SHOWN:
            continue
        if any(phrase in longer and n == m for longer, m in kept[domain]):
            continue
        kept[domain].append((phrase, n))
    return pl.DataFrame(
        [(d, p, n) for d, ps in kept.items() for p, n in ps],
        schema={"domain": pl.String, "phrase": pl.String, "people": pl.Int64},
        orient="row",
    )


def phrase_table(
    export: Export, settings: Settings, view: View, policy: Policy
) -> pl.DataFrame | None:
    """The phrases table for an internal audience; None for a board, without reading any text."""
    if policy.controlled:
        return None
    rows = run(export.cursor(), "outcomes_phrases", partnership=view.partnership,
               p_end=view.p.end, **view.filters.params())  # fmt: skip
    found = top_phrases(list(rows.iter_rows()), policy.threshold)
    labels = {d.code: d.label for d in load_framework(settings.framework_file).domains}
    return found.with_columns(pl.col("domain").replace_strict(labels, default=pl.col("domain")))

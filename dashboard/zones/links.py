"""Links between areas that do not touch (ferries, bridges): the export's own, and the settings'.

A link belongs to the map it was drawn for. The export names its own under `zone_links` in its
`manifest.json` (the sample writes its ferry there), and a partnership may add more in its settings
(`zones.extra_links`); no default applies to every export, so a link never joins two areas of some
other export that happen to share the codes (docs/zones.md, "Neighbours and contiguity").
"""

from __future__ import annotations

from dashboard.core.errors import UserError
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export

MANIFEST_KEY = "zone_links"

Link = tuple[str, str]


def manifest_links(manifest: dict, file: str) -> tuple[Link, ...]:
    """The pairs under `zone_links` in a manifest: a list of two-code lists, else a UserError
    naming the file and the key."""
    raw = manifest.get(MANIFEST_KEY, [])
    ok = isinstance(raw, list) and all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(c, str) and c for c in p)
        for p in raw
    )
    if not ok:
        raise UserError(t("zones.manifest_links_bad", file=file, name=MANIFEST_KEY))
    return tuple((a, b) for a, b in raw)


def zone_links(export: Export, settings: Settings) -> tuple[Link, ...]:
    """Every link for this export: its manifest's, then the settings', each once."""
    own = manifest_links(export.manifest, str(export.folder / "manifest.json"))
    return tuple(dict.fromkeys((*own, *(tuple(p) for p in settings.zone_links))))

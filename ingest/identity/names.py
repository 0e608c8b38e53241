"""An organisation's short forms: "THE BOEING COMPANY" -> "Boeing"; "JPMorgan Chase & Co." -> "JPMorgan Chase",
"JPMorgan"; with the tickers of its cover ("MMM")."""

from __future__ import annotations

import re

_LEGAL = re.compile(
    r"[,\s]+(?:inc|incorporated|corp|corporation|co|company|companies|ltd|limited|plc|llc|l\.p|lp|n\.v|s\.a|ag|se|"
    r"holdings?|group|international|& co)\.?$",
    re.IGNORECASE,
)
_LEADING = re.compile(r"^the\s+", re.IGNORECASE)
# first words too common to name an organisation alone ("General" of "General Mills")
_COMMON_FIRST = {
    "american", "general", "united", "national", "international", "first", "global", "new", "great", "north",
    "south", "east", "west", "western", "eastern", "central", "pacific", "atlantic", "royal", "standard", "the",
}  # fmt: skip


def core_name(organisation: str) -> str:
    """The organisation without "The" and legal suffixes: "BEST BUY CO., INC." -> "BEST BUY"."""
    name = _LEADING.sub("", organisation.strip(" .,"))
    while True:
        shorter = _LEGAL.sub("", name).strip(" ,")
        if shorter == name or not shorter:
            return name
        name = shorter


def short_forms(organisation: str, tickers: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Names a question may use for ``organisation``: its core name, its first word when that is distinctive
    (five letters or more, not a common first word; "Amazon" of "AMAZON.COM"), and ``tickers``."""
    core = core_name(organisation)
    forms = [core] if core else []
    words = re.findall(r"[A-Za-z0-9&]+", core)
    first = re.split(r"[.\s]", core)[0] if core else ""
    if len(words) > 1 and len(first) >= 5 and first.lower() not in _COMMON_FIRST and first.isalpha():
        forms.append(first)
    forms += list(tickers)
    seen: dict[str, str] = {}
    for form in forms:
        seen.setdefault(form.lower(), form)
    return list(seen.values())

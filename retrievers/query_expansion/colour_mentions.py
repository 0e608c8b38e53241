"""The chart colours a question names ("the dark yellow bar", "what does the color pink indicate?"), as names of
the palette charts are described in (:data:`ingest.chart_colours.PALETTE`).

A colour word counts only where it names a colour of a drawing: after "colour"/"color"/"coloured" ("the color
green", "coloured in dark brown"), or in front of a chart mark ("the grey bar", "the blue dashed line", "the dark
green label"). So "Black respondents", "green bonds", "Red Hat" or "Orange S.A." name no colour, and a financial
question never routes to a chart.

A bare hue names its family: "yellow" is any of "yellow", "dark yellow", "light yellow" (people call the mustard
of a Pew chart yellow); a shade the palette holds names itself only ("dark yellow"); a shade it does not hold
("dark pink") names the family. Everyday synonyms map to the palette ("gray", "navy", "gold", "teal").
"""

from __future__ import annotations

import re

from ingest.chart_colours import PALETTE

SYNONYMS: dict[str, str] = {
    "gray": "grey",
    "violet": "purple",
    "lavender": "light purple",
    "navy": "dark blue",
    "navy blue": "dark blue",
    "sky blue": "light blue",
    "cyan": "light blue",
    "maroon": "dark red",
    "crimson": "red",
    "magenta": "pink",
    "gold": "dark yellow",
    "golden": "dark yellow",
    "mustard": "dark yellow",
    "tan": "beige",
    "cream": "beige",
    "khaki": "beige",
    "teal": "teal green",
    "turquoise": "teal green",
    "lime": "light green",
}
_SHADES = {"dark": "dark", "deep": "dark", "light": "light", "pale": "light"}
_MARKS = (
    "bars?|lines?|dots?|points?|markers?|areas?|regions?|segments?|slices?|columns?|curves?|circles?|squares?|"
    "triangles?|shad(?:e|ed|ing)|sections?|portions?|boxe?s?|labels?|legends?|text|arrows?|bubbles?|wedges?|"
    "stripes?|bands?|series|fill"
)
_HUES = sorted({name.split()[-1] for name in PALETTE} | set(SYNONYMS), key=len, reverse=True)
_MENTION = re.compile(
    r"(?:(?P<lead>\bcolou?r(?:ed)?(?:\s+(?:in|of))?)\s+)?"
    r"\b(?:(?P<shade>dark|deep|light|pale)\s+)?(?P<hue>" + "|".join(re.escape(h) for h in _HUES) + r")\b"
    r"(?P<mark>(?:\s+[a-z-]+)?\s+(?:" + _MARKS + r")\b)?",
    re.IGNORECASE,
)


def _family(name: str) -> list[str]:
    """The palette names of ``name``'s hue (its last word: "teal green" is a green, "grey blue" a blue)."""
    hue = name.split()[-1]
    return [n for n in PALETTE if n.split()[-1] == hue]


def named_colours(question: str) -> list[str]:
    """The palette names of the colours ``question`` names as colours of a drawing, in the order named (empty when
    it names none)."""
    found: list[str] = []
    for match in _MENTION.finditer(question):
        if not (match.group("lead") or match.group("mark")):
            continue
        base = SYNONYMS.get(match.group("hue").lower(), match.group("hue").lower())
        shade = _SHADES.get((match.group("shade") or "").lower())
        shaded = f"{shade} {base}" if shade and " " not in base else base
        # a shade the palette holds, or a synonym of one ("navy"), names itself; anything else its hue's family
        names = [shaded] if shaded in PALETTE and (shade or " " in base) else _family(base)
        found += [n for n in names if n not in found]
    return found

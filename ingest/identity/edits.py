"""What a user corrects of a document's identity (``docsight docs set``): applied over what the content gave.

Edits are kept by the document's content (its ``doc_id``) in the collection's registry, so that a re-ingest of the
same bytes (a re-ingest, the same file under another name, a delete and a new upload) gets them again.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ingest.identity.identify import KINDS, DocumentIdentity, composed_title
from ingest.identity.names import short_forms

EDITABLE = ("title", "organisation", "aliases", "period", "kind", "tags")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


class EditError(ValueError):
    """An edit docsight cannot apply (an unknown kind, a field that cannot be edited)."""


def checked_edits(edits: dict[str, Any]) -> dict[str, Any]:
    """``edits`` with their values normalised: text stripped, ``kind`` spelled as in :data:`KINDS`, ``tags`` and
    ``aliases`` as lists without blanks or repeats. Fields given as None are left out.

    :raises EditError: a field is not in :data:`EDITABLE`, or ``kind`` is not a known kind.
    """
    out: dict[str, Any] = {}
    for name, value in edits.items():
        if value is None:
            continue
        if name not in EDITABLE:
            raise EditError(f"{name!r} cannot be edited (editable: {', '.join(EDITABLE)})")
        if name in ("tags", "aliases"):
            values = [" ".join(str(v).split()) for v in ([value] if isinstance(value, str) else value)]
            out[name] = list(dict.fromkeys(v for v in values if v))
        elif name == "kind":
            kind = next((k for k in KINDS if k.lower() == " ".join(str(value).split()).lower()), None)
            if kind is None:
                raise EditError(f"unknown kind {value!r} (one of: {', '.join(KINDS)})")
            out[name] = kind
        else:
            out[name] = " ".join(str(value).split())
    return out


def apply_edits(identity: DocumentIdentity, edits: dict[str, Any]) -> DocumentIdentity:
    """``identity`` with the user's ``edits`` (see :func:`checked_edits`) applied.

    A new organisation brings its own short forms (the old ones, tickers included, named the old one) unless
    ``aliases`` are given; a new period its years ("FY2023 Q2" -> 2023); a title the content composed from
    organisation, kind and period ("3M COMPANY Form 10-K FY2018") is composed again unless ``title`` is given.
    """
    edits = checked_edits(edits)
    changes: dict[str, Any] = {}
    if "organisation" in edits:
        changes["organisation"] = edits["organisation"]
        changes["aliases"] = short_forms(edits["organisation"]) if edits["organisation"] else []
    if "aliases" in edits:
        changes["aliases"] = edits["aliases"]
    if "period" in edits:
        changes["period"] = edits["period"]
        changes["years"] = list(dict.fromkeys(_YEAR.findall(edits["period"])))
    if "kind" in edits:
        changes["kind"] = edits["kind"]
    edited = dataclasses.replace(identity, **changes)
    if "title" in edits:
        return dataclasses.replace(edited, title=edits["title"])
    old = composed_title(identity.kind, identity.organisation, identity.period)
    if old and identity.title == old:
        edited = dataclasses.replace(edited, title=composed_title(edited.kind, edited.organisation, edited.period))
    return edited

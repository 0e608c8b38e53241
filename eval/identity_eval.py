"""How many documents docsight identifies right: organisation, period and kind against what the documents say.

The expectations (``identity_expected.json``) were read off each FinanceBench filing's own cover or headline (the
registrant above "(Exact name of registrant ...)" or after the commission file number, "For the fiscal year ended
...", "FORM 10-Q", a release's listing and headline quarter), never from a file name; they are keyed by the file's
sha256 (its ``doc_id``), so they hold under any file name. ``source`` is there for people only.

    python -m eval.identity_eval --qdrant-path DIR --collection NAME [--expected FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXPECTED = Path(__file__).with_name("identity_expected.json")
FIELDS = ("organisation", "period", "kind")


def _same(field: str, got: str, want: str) -> bool:
    norm = " ".join(str(got or "").split()).casefold(), " ".join(str(want or "").split()).casefold()
    return norm[0] == norm[1]


def score(records: list[dict], expected: list[dict]) -> dict:
    """Per field, how many of the ``expected`` documents (matched by ``doc_id``) ``records`` identify right, and
    the misses (``source``, field, got, expected); a document without a record is a miss of every field."""
    by_id = {r["doc_id"]: r for r in records}
    right = dict.fromkeys((*FIELDS, "all"), 0)
    misses = []
    for want in expected:
        got = by_id.get(want["doc_id"], {})
        wrong = [f for f in FIELDS if not _same(f, got.get(f, ""), want[f])]
        for f in FIELDS:
            right[f] += f not in wrong
        right["all"] += not wrong
        misses += [{"source": want.get("source", ""), "field": f, "got": got.get(f, ""), "expected": want[f]}
                   for f in wrong]  # fmt: skip
    return {"documents": len(expected), "right": right, "misses": misses}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.identity_eval", description=__doc__.splitlines()[0])
    parser.add_argument("--qdrant-path", required=True)
    parser.add_argument("--collection", required=True)
    parser.add_argument("--expected", type=Path, default=EXPECTED)
    args = parser.parse_args(argv)
    from pipelines.settings import Settings
    from pipelines.store import open_store

    store = open_store(Settings.from_env(qdrant_path=args.qdrant_path, collection=args.collection))
    try:
        records = [r.summary() for r in store.registry.all()]
    finally:
        store.close()
    result = score(records, json.loads(args.expected.read_text()))
    json.dump(result, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`docsight eval claims` on a slice of FinanceBench (evidence pages parsed by docsight), and the planted errors."""

import json
from pathlib import Path

from eval.claims_eval import PLANTS, _format_like, plant
from eval.cli import main
from pipelines.generation.figures import answer_figures
from tests.conftest import corpus_file
from tests.eval.test_cli import SMALL_FILINGS, _finance_slice

# the claim eval parses only the evidence pages, so a long filing costs a few pages here
FILINGS = (*SMALL_FILINGS, "PEPSICO_2023_8K_dated-2023-05-30.pdf")


def test_claims_report_on_real_reference_answers(tmp_path: Path) -> None:
    dataset = _finance_slice(tmp_path, FILINGS)
    out = tmp_path / "claims"
    assert main(["claims", "--dataset", str(dataset), "--out", str(out)]) == 0
    result = json.loads((out / "results.json").read_text())
    summary = result["summary"]
    rows = {r["id"]: r for r in result["rows"]}
    # PepsiCo's 8-K states both revolving credit agreements; the analyst's total is their sum
    assert "$8,400,000,000: computed" in rows["financebench_id_00882"]["statuses"]
    assert "$400,000,000: computed" in rows["financebench_id_00705"]["statuses"]
    assert summary["figures"] == sum(r["figures"] for r in rows.values())
    assert summary["recall"] == summary["found"] / summary["figures"]
    assert sum(summary["misses_by_cause"].values()) == summary["figures"] - summary["found"]
    assert set(summary["planted_by_kind"]) == set(PLANTS) and summary["planted"] > 0
    for p in result["planted"]:
        assert p["planted"] != p["original"]
    report = (out / "report.md").read_text()
    assert "Planted errors flagged unsupported" in report and "False alarms" in report


def test_planted_errors_change_one_figure_each_way() -> None:
    answer = "Capex was $1,577 million and margin 65.4% [1]."
    capex, margin = answer_figures(answer)
    checked = {"text": capex.text, "start": capex.start, "status": "unsupported"}
    assert plant(answer, checked, capex, "digit swap", []) == "Capex was $1,757 million and margin 65.4% [1]."
    assert plant(answer, checked, capex, "scale x1000", []) == "Capex was $1,577 billion and margin 65.4% [1]."
    assert plant(answer, checked, capex, "sign", []) == "Capex was -$1,577 million and margin 65.4% [1]."
    assert plant(answer, checked, capex, "neighbouring column", []) is None  # only for a figure found in a row
    percent = {"text": margin.text, "start": margin.start, "status": "unsupported"}
    assert plant(answer, percent, margin, "digit swap", []).endswith("margin 64.5% [1].")
    assert plant(answer, percent, margin, "scale x1000", []) is None
    bare = answer_figures("$1577.00")[0]
    assert plant("$1577.00", {"text": "$1577.00", "start": 0, "status": "x"}, bare, "scale x1000", []) == (
        "$1,577,000.00"
    )


def test_evidence_pages_are_parsed_as_docsight_stores_them() -> None:
    from eval.claims_eval import evidence_sources

    sources = evidence_sources(corpus_file("financebench", "pdfs", "3M_2018_10K.pdf"), [60])
    assert sources and {s["page"] for s in sources} == {60}
    assert {s["kind"] for s in sources} >= {"text", "table"}
    assert any("(1,577)" in s["text"] for s in sources)


def test_a_sign_the_words_already_give_is_not_an_error() -> None:
    from eval.claims_eval import _signed_by_words

    def signed(answer: str) -> bool:
        figure = answer_figures(answer)[0]
        return _signed_by_words(answer, {"start": figure.start})

    assert signed("There has been a slight decline in gross margins by 0.8%.")
    assert signed("It had negative working capital of -$1561M in FY 2022.")
    assert not signed("Net income fell to $5M.")  # a level: "fell to -$5M" says something else
    assert not signed("Revenue declined. It grew by 5%.")  # another sentence's decline
    assert not signed("Sales rose by 5%.")


def test_a_neighbouring_column_plant_is_the_neighbouring_number_as_the_figure_writes_it() -> None:
    from eval.claims_eval import _as_written

    # "$1.8 bn" found as 1,824 (in millions); the column over holds 3,252: the plant is $3.3 bn, not 1.8 x 3,252 /
    # 1,824 = 3.2 (the figure's rounding carried into the planted number)
    assert _format_like("$1.8 bn", _as_written(1.8, 1824, 3252)) == "$3.3 bn"
    assert _format_like("20.1%", _as_written(20.1, 20.148844, 19.3)) == "19.3%"

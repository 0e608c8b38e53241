"""Ranking, answer and citation metrics on hand-checked cases."""

import math

import pytest

from eval.metrics import answer_correct, citation_quality, numbers, rank_scores, recall_curve


def test_rank_scores() -> None:
    ranking = [("a", 3), ("a", 7), ("b", 1), ("a", 9)]
    scores = rank_scores(ranking, {("a", 7), ("a", 9)})
    assert scores["recall@1"] == 0.0 and scores["recall@5"] == 1.0 and scores["mrr@10"] == 0.5
    ideal = 1 + 1 / math.log2(3)
    assert scores["ndcg@5"] == pytest.approx((1 / math.log2(3) + 1 / math.log2(5)) / ideal)
    assert rank_scores([], {("a", 1)}) == {
        "recall@1": 0.0,
        "recall@5": 0.0,
        "recall@10": 0.0,
        "mrr@10": 0.0,
        "ndcg@5": 0.0,
    }


def test_recall_curve() -> None:
    assert recall_curve([1, 3, None, 10], max_k=10)[0] == 0.25
    assert recall_curve([1, 3, None, 10], max_k=10)[2] == 0.5 and recall_curve([1, 3, None, 10])[9] == 0.75


@pytest.mark.parametrize(
    ("text", "expected"),
    [("$1577.00", [1577.0]), ("1,577 million", [1577.0]), ("(12.5)", [-12.5]), ("up 3% to 4.2", [3.0, 4.2])],
)
def test_numbers(text: str, expected: list[float]) -> None:
    assert numbers(text) == expected


def test_answer_correct() -> None:
    assert answer_correct("Capital expenditure was $1,577 million in FY2018 [2].", "$1577.00")
    assert not answer_correct("Capital expenditure was $1,450 million [2].", "$1577.00")
    assert answer_correct("The ratio is 0.66 [1].", "0.66")
    assert answer_correct("Yes. Richard A. Johnson received far more votes against [1].", "Yes, his name is Richard")
    assert not answer_correct("No, all nominees were similar.", "Yes, his name is Richard A. Johnson")
    assert answer_correct("It was driven by lower marketing expenses.", "lower marketing expenses")


def test_citation_quality() -> None:
    cited = [("a.pdf", 3), ("a.pdf", 3), ("a.pdf", 9)]
    assert citation_quality(cited, {("a.pdf", 3), ("a.pdf", 4)}) == {"citation_precision": 0.5, "citation_recall": 0.5}
    assert citation_quality([], {("a.pdf", 3)}) == {"citation_precision": None, "citation_recall": 0.0}

"""QueryExpander: a question -> the texts the dense and sparse searches embed, and the statements it asks for."""

from __future__ import annotations

from typing import Any

from haystack import component, default_from_dict, default_to_dict

from retrievers.query_expansion.colour_mentions import named_colours
from retrievers.query_expansion.glossary import load_glossary


@component
class QueryExpander:
    """Prepares a question for hybrid search.

    - Metrics the glossary knows add the line items they are computed from to both search texts: "capital
      expenditure" also searches "purchases of property plant and equipment".
    - ``statements``: the primary statements the question names ("based on the cash flow statement"), else those
      where the line items of the metrics it uses are printed. The retriever prefers chunks of those pages.
    - ``colours``: the chart colours it names ("the dark yellow bar", see
      :mod:`retrievers.query_expansion.colour_mentions`). The retriever prefers images drawn in them.

    Usage example:
    ```python
    expander = QueryExpander()
    out = expander.run(query="What is 3M's FY2018 capex?")
    # out["sparse_text"] == "What is 3M's FY2018 capex? purchases of property plant and equipment ..."
    # out["statements"] == ["cash_flow"]; out["colours"] == []
    ```
    """

    def __init__(self, *, glossary_path: str | None = None, expand_dense: bool = True) -> None:
        """
        :param glossary_path: a glossary YAML file (default: the packaged financial glossary).
        :param expand_dense: add the line items to the dense text too (the sparse text always gets them).
        :raises GlossaryError: the glossary file cannot be used.
        """
        self.glossary_path = glossary_path
        self.expand_dense = expand_dense
        load_glossary(glossary_path)  # fail at construction, not at the first question

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(
            self,
            glossary_path=self.glossary_path,
            expand_dense=self.expand_dense,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QueryExpander:
        return default_from_dict(cls, data)

    @component.output_types(dense_text=str, sparse_text=str, statements=list[str], colours=list[str])
    def run(self, query: str) -> dict[str, Any]:
        """
        :param query: the question as the user asked it.
        :returns: ``dense_text`` and ``sparse_text`` to embed, and ``statements`` (statement kinds, see
            :mod:`ingest.layout.statements`; empty when the question asks for none), and ``colours`` (palette
            names of :mod:`ingest.chart_colours`; empty when it names no colour of a drawing).
        """
        match = load_glossary(self.glossary_path).match(query)
        sparse_text = " ".join([query, *match.line_items])
        dense_text = f"{query} ({'; '.join(match.line_items)})" if self.expand_dense and match.line_items else query
        return {
            "dense_text": dense_text,
            "sparse_text": sparse_text,
            "statements": list(match.statements or match.metric_statements),
            "colours": named_colours(query),
        }

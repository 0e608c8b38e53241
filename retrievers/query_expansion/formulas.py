"""Named formulas of the glossary: how a metric is computed from statement line items, e.g.
``365 * average(accounts payable) / (cost of sales + change(inventories))``.

A formula is numbers, line items (words), ``+ - * /`` and parentheses; ``average(item)`` is the mean of the item at
the period and at the period before, ``change(item)`` the item at the period less the item at the period before. A
minus between two words needs spaces around it ("long-term debt" is one line item). Parsed once, when the glossary
loads; evaluated by the claim checker with the values it finds for each line item in the cited sources.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<op>[-+*/()])|(?P<name>[a-z][\w&'.-]*(?:\s+[a-z][\w&'.-]*)*))")
FUNCTIONS = ("average", "change")


class FormulaError(ValueError):
    """A formula cannot be parsed; the message says where."""


@dataclass(frozen=True)
class Formula:
    """A parsed formula: ``tree`` is nested tuples: ``("num", v)``, ``("item", name, offset)``, ``(op, left, right)``
    (offset 0 is the period, 1 the period before)."""

    text: str
    tree: tuple

    @property
    def items(self) -> tuple[str, ...]:
        """The line items it uses, in order of first use."""
        return tuple(dict.fromkeys(item for item, _ in self.uses))

    @property
    def uses(self) -> tuple[tuple[str, int], ...]:
        """(line item, offset) pairs it reads."""
        found: list[tuple[str, int]] = []

        def walk(node: tuple) -> None:
            if node[0] == "item":
                if (node[1], node[2]) not in found:
                    found.append((node[1], node[2]))
            elif node[0] != "num":
                walk(node[1])
                walk(node[2])

        walk(self.tree)
        return tuple(found)

    @property
    def periods(self) -> int:
        """How many periods it reads: 1, or 2 when it averages or changes an item."""

        def deepest(node: tuple) -> int:
            if node[0] == "item":
                return node[2]
            return 0 if node[0] == "num" else max(deepest(node[1]), deepest(node[2]))

        return 1 + deepest(self.tree)

    def evaluate(self, value: Callable[[str, int], float | None]) -> float | None:
        """The formula's result with ``value(item, offset)`` for each line item; None when a value is missing or a
        division is by zero."""

        def calc(node: tuple) -> float | None:
            kind = node[0]
            if kind == "num":
                return node[1]
            if kind == "item":
                return value(node[1], node[2])
            left, right = calc(node[1]), calc(node[2])
            if left is None or right is None:
                return None
            if kind == "+":
                return left + right
            if kind == "-":
                return left - right
            if kind == "*":
                return left * right
            return left / right if right else None

        return calc(self.tree)


def parse_formula(text: str) -> Formula:
    """Parse ``text`` (see the module docstring).

    :raises FormulaError: an unknown character, an unbalanced parenthesis, a missing operand, or a function other than
        ``average``/``change`` (or one applied to something other than a line item).
    """
    tokens = _tokens(text.lower())
    position = 0

    def peek() -> tuple[str, str] | None:
        return tokens[position] if position < len(tokens) else None

    def take(expected: str | None = None) -> tuple[str, str]:
        nonlocal position
        token = peek()
        if token is None:
            raise FormulaError(f"formula {text!r}: expected {repr(expected) if expected else 'more'} at the end")
        if expected is not None and token[1] != expected:
            raise FormulaError(f"formula {text!r}: expected {expected!r}, found {token[1]!r}")
        position += 1
        return token

    def expression() -> tuple:
        node = term()
        while peek() is not None and peek()[1] in "+-" and peek()[0] == "op":
            node = (take()[1], node, term())
        return node

    def term() -> tuple:
        node = factor()
        while peek() is not None and peek()[1] in "*/" and peek()[0] == "op":
            node = (take()[1], node, factor())
        return node

    def factor() -> tuple:
        kind, word = take()
        if kind == "num":
            return ("num", float(word))
        if word == "(":
            node = expression()
            take(")")
            return node
        if word == "-":
            return ("-", ("num", 0.0), factor())
        if kind != "name":
            raise FormulaError(f"formula {text!r}: expected a line item or a number, found {word!r}")
        if peek() == ("op", "("):
            if word not in FUNCTIONS:
                raise FormulaError(f"formula {text!r}: unknown function {word!r} (use {' or '.join(FUNCTIONS)})")
            take("(")
            inner, item = take()
            if inner != "name":
                raise FormulaError(f"formula {text!r}: {word}() takes a line item, found {item!r}")
            take(")")
            now, before = ("item", item, 0), ("item", item, 1)
            return ("/", ("+", now, before), ("num", 2.0)) if word == "average" else ("-", now, before)
        return ("item", word, 0)

    tree = expression()
    if peek() is not None:
        raise FormulaError(f"formula {text!r}: unexpected {peek()[1]!r}")
    return Formula(text=text, tree=tree)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise FormulaError(f"formula {text!r}: cannot read {text[position:].strip()[:20]!r}")
        kind = match.lastgroup
        tokens.append((kind, " ".join(match.group(kind).split())))
        position = match.end()
    return tokens

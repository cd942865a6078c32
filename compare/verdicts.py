"""Turn a claim's data (the figures it reads, its cases and thresholds) into a verdict.

A Claim names its figures: a dotted path into the measurements `m` ("loc.flask.hand_written.code")
or a small function of m. Its Rule is a list of cases tried in order: the first whose conditions
hold (all of them, or any for `when_any`) gives its verdict, else `otherwise`. A condition reads
`name`, `not name`, `name OP name`, `name OP k * name` or `name OP literal`, OP one of
<= < >= > == !=, e.g. "flask_code <= 0.6 * django_code".

A figure read as None was not measured (no build/bench.json, the suite not run). A claim says in
`without` which figures may be absent and which rule, or plain verdict, applies then. Any other
absent figure, a missing key, a bad condition: each raises, and fails the run.
"""

from __future__ import annotations

import ast
import functools
import operator
import re
import string
from collections.abc import Callable
from dataclasses import dataclass

SUPPORTED, CONTRADICTED, MIXED, NOT_MEASURABLE = (
    "supported",
    "contradicted",
    "mixed",
    "not measurable here",
)
RUN_BENCH = "run make bench"
VERDICTS = (SUPPORTED, CONTRADICTED, MIXED, NOT_MEASURABLE, RUN_BENCH)
OPS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt,
       "==": operator.eq, "!=": operator.ne}  # fmt: skip
CONDITION = re.compile(r"^(not )?(\w+)(?: (<=|<|>=|>|==|!=) (?:([\d.]+) \* )?(.+))?$")
SYMBOLS = {"<=": "\u2264", ">=": "\u2265", "!=": "\u2260", " * ": " \u00d7 "}


class MissingFigure(Exception):
    """A claim read a figure that was not measured, and its data does not say what then."""


@dataclass(frozen=True)
class Case:
    verdict: str
    conditions: tuple[str, ...]
    join: str = "all"


def when(verdict: str, *conditions: str) -> Case:
    """Give `verdict` when every condition holds."""
    return Case(verdict, conditions)


def when_any(verdict: str, *conditions: str) -> Case:
    """Give `verdict` when any condition holds."""
    return Case(verdict, conditions, "any")


@dataclass(frozen=True)
class Rule:
    cases: tuple[Case, ...] = ()
    otherwise: str = MIXED

    def names(self) -> set[str]:
        return {name for case in self.cases for c in case.conditions for name in operands(c)}


def rule(*cases: Case, otherwise: str = MIXED) -> Rule:
    return Rule(cases, otherwise)


@dataclass(frozen=True)
class Without:
    """What applies when `missing` figures were not measured: a rule (None: the claim's own)."""

    missing: tuple[str, ...]
    note: str
    rule: Rule | None = None


@dataclass(frozen=True)
class Claim:
    id: str
    figures: dict[str, str | Callable[[dict], object]]
    rule: Rule
    evidence: tuple[str, ...]
    why: str = ""
    without: tuple[Without, ...] = ()

    def __post_init__(self):
        rules = [self.rule, *(w.rule for w in self.without if w.rule)]
        named = {n for r in rules for n in r.names()} | {n for w in self.without for n in w.missing}
        named |= {
            n for text in (*self.evidence, *(w.note for w in self.without)) for n in fields(text)
        }
        if unknown := named - set(self.figures):
            raise ValueError(f"{self.id} names figures it does not read: {sorted(unknown)}")


def operands(condition: str) -> list[str]:
    """Return the figure names a condition reads (a bad condition raises ValueError)."""
    match = CONDITION.match(condition)
    if not match:
        raise ValueError(f"not a condition: {condition!r}")
    right = match.group(5)
    if right and not right.isidentifier():
        ast.literal_eval(right)  # a number or a quoted text, else it raises here
    return [match.group(2)] + ([right] if right and right.isidentifier() else [])


def holds(condition: str, f: dict) -> bool:
    negate, left, op, factor, right = CONDITION.match(condition).groups()
    if op is None:
        return bool(f[left]) != bool(negate)
    other = f[right] if right.isidentifier() else ast.literal_eval(right)
    if factor:
        other = float(factor) * other
    return OPS[op](f[left], other) != bool(negate)


def decide(rule: Rule, f: dict) -> tuple[str, Case | None]:
    for case in rule.cases:
        results = [holds(c, f) for c in case.conditions]
        if all(results) if case.join == "all" else any(results):
            return case.verdict, case
    return rule.otherwise, None


def read(m: dict, path: str):
    """Return m at a dotted path; None on the way means not measured, a missing key raises."""
    value = m
    for key in path.split("."):
        if value is None:
            return None
        value = value[key]
    return value


def source(reader: str | Callable) -> str:
    """Say where a figure comes from: its path, or its function and arguments."""
    if isinstance(reader, str):
        return reader
    if isinstance(reader, functools.partial):
        args = [repr(a) for a in reader.args] + [f"{k}={v!r}" for k, v in reader.keywords.items()]
        return f"{reader.func.__name__}({', '.join(args)})"
    return reader.__name__


def shown(text: str) -> str:
    for plain, symbol in SYMBOLS.items():
        text = text.replace(plain, symbol)
    return text


def joined(case: Case) -> str:
    return shown((" and " if case.join == "all" else " or ").join(case.conditions))


def describe(rule: Rule) -> str:
    """Say a rule in words, with the signs of mathematics: "supported if a ≤ 0.6 * b"."""
    parts = [f"{case.verdict} if {joined(case)}" for case in rule.cases]
    return "; ".join([*parts, f"otherwise {rule.otherwise}" if parts else rule.otherwise])


def thresholds(rule: Rule) -> list[float]:
    """Return the numbers a rule compares against, in order."""
    found = []
    for case in rule.cases:
        for condition in case.conditions:
            _, _, _, factor, right = CONDITION.match(condition).groups()
            found += [float(factor)] if factor else []
            if right and not right.isidentifier() and right[0].isdigit():
                found.append(ast.literal_eval(right))
    return found


class Evidence(string.Formatter):
    """Format figures; "{a/b:.2f}" is a ratio (a number or figure over a number or figure)."""

    def get_field(self, field_name, args, kwargs):
        if "/" not in field_name:
            return super().get_field(field_name, args, kwargs)
        a, b = (kwargs[n] if n in kwargs else float(n) for n in field_name.split("/"))
        return (a / b if b else float("inf")), field_name

    def format_field(self, value, format_spec):
        if isinstance(value, list | tuple):
            return ", ".join(map(str, value)) or "nothing"
        return super().format_field(value, format_spec)


def fields(piece: str) -> set[str]:
    names = {name for _, name, _, _ in string.Formatter().parse(piece) if name}
    return {part for name in names for part in name.split("/") if part.isidentifier()}


def judge(claim: Claim, m: dict) -> dict:
    """Read a claim's figures and apply its rule: the verdict, the evidence and the rule used."""
    f = {name: read(m, r) if isinstance(r, str) else r(m) for name, r in claim.figures.items()}
    absent = {name for name, value in f.items() if value is None}
    applies = [w for w in claim.without if absent & set(w.missing)]
    if undeclared := absent - {name for w in applies for name in w.missing}:
        raise MissingFigure(
            f"{claim.id}: {sorted(undeclared)} not measured; no rule says what then"
        )
    used = (applies[0].rule or claim.rule) if applies else claim.rule
    if absent & used.names():
        raise MissingFigure(f"{claim.id}: its rule without {applies[0].missing} reads them")
    verdict, case = decide(used, f)
    pieces = [Evidence().format(p, **f) for p in claim.evidence if not fields(p) & absent]
    pieces += [Evidence().format(w.note, **f) for w in applies if w.note]
    return {
        "verdict": verdict,
        "evidence": "; ".join(pieces),
        "figures": {n: {"value": v, "from": source(claim.figures[n])} for n, v in f.items()},
        "not_measured": sorted(absent),
        "cases": [
            {"verdict": c.verdict, "conditions": c.conditions, "join": c.join} for c in used.cases
        ],
        "otherwise": used.otherwise,
        "decided_by": joined(case) if case else "otherwise",
        "thresholds": thresholds(used),
    }


def explain(claim: Claim) -> str:
    """Say a claim's whole rule in words, with what applies when figures are not measured."""
    text = f"{claim.why} " if claim.why else ""
    text += f"Rule: {describe(claim.rule)}."
    for w in claim.without:
        if w.rule:  # the note without its figures: "run make bench", not "... ({reasons})"
            note = re.sub(r" ?[(]?{[^}]*}[)]?", "", w.note)
            text += f" When not measured ({note}): {describe(w.rule)}."
    return text

"""The policy evaluator against a small reference model (docs/behaviour.md#policy-evaluation).

The model is written for clarity, not speed, and shares no code with ``domain/policy.py``: glob matching by
recursion, statements as plain tuples, the decision as "any applicable Deny, else any applicable Allow". Hypothesis
draws documents from a tiny alphabet so that patterns, wildcards and condition values collide often.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from openrd.domain.policy import Decision, evaluate, parse_policy_document
from openrd.domain.request_context import RequestContext

# ------------------------------------------------------------------------------------------------ the model


@cache
def glob(pattern: str, value: str) -> bool:
    """``*`` any run (possibly empty), ``?`` exactly one character, anything else itself."""
    if not pattern:
        return not value
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        return glob(rest, value) or (bool(value) and glob(pattern, value[1:]))
    return bool(value) and (head == "?" or head == value[0]) and glob(rest, value[1:])


@dataclass(frozen=True)
class ModelStatement:
    effect: str
    negated_actions: bool
    actions: tuple[str, ...]
    negated_resources: bool
    resources: tuple[str, ...]
    conditions: tuple[tuple[str, str, tuple[str, ...]], ...]  # (operator, key, values)


def _string_condition(operator: str, value: str | None, wanted: tuple[str, ...]) -> bool:
    if value is None:  # an absent key makes every condition false, the negated ones too
        return False
    if operator == "StringEquals":
        return value in wanted
    if operator == "StringNotEquals":
        return value not in wanted
    if operator == "StringEqualsIgnoreCase":
        return value.casefold() in {w.casefold() for w in wanted}
    if operator == "StringLike":
        return any(glob(w, value) for w in wanted)
    assert operator == "StringNotLike"
    return not any(glob(w, value) for w in wanted)


def model_applies(s: ModelStatement, action: str, resource: str, facts: dict[str, str]) -> bool:
    action_hit = any(glob(p.lower(), action.lower()) for p in s.actions)
    resource_hit = any(glob(p, resource) for p in s.resources)
    if action_hit == s.negated_actions or resource_hit == s.negated_resources:
        return False
    return all(_string_condition(op, facts.get(key.lower()), values) for op, key, values in s.conditions)


def model_decision(statements: list[ModelStatement], action: str, resource: str, facts: dict[str, str]) -> Decision:
    applicable = [s for s in statements if model_applies(s, action, resource, facts)]
    if any(s.effect == "Deny" for s in applicable):
        return Decision.EXPLICIT_DENY
    if applicable:
        return Decision.ALLOW
    return Decision.IMPLICIT_DENY


# ------------------------------------------------------------------------------------------------ strategies

OPERATORS = ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringLike", "StringNotLike"]
KEYS = ["acs:PrincipalAccount", "test:Tag", "test:Absent"]
_word = st.text(alphabet="abA", min_size=1, max_size=3)
_pattern = st.text(alphabet="abA*?", min_size=1, max_size=4)
_patterns = st.lists(_pattern, min_size=1, max_size=3)


@st.composite
def statements(draw: Any) -> ModelStatement:
    actions = draw(st.one_of(st.just(["*"]), _patterns.map(lambda ps: [f"svc:{p}" for p in ps])))
    resources = draw(st.one_of(st.just(["*"]), _patterns))
    conditions = draw(
        st.lists(
            st.tuples(st.sampled_from(OPERATORS), st.sampled_from(KEYS), st.lists(_pattern, min_size=1, max_size=2)),
            max_size=2,
            unique_by=lambda c: (c[0], c[1]),
        )
    )
    return ModelStatement(
        effect=draw(st.sampled_from(["Allow", "Deny"])),
        negated_actions=draw(st.booleans()),
        actions=tuple(actions),
        negated_resources=draw(st.booleans()),
        resources=tuple(resources),
        conditions=tuple((op, key, tuple(values)) for op, key, values in conditions),
    )


def as_document(model: list[ModelStatement]) -> str:
    body = []
    for s in model:
        statement: dict[str, Any] = {
            "Effect": s.effect,
            "NotAction" if s.negated_actions else "Action": list(s.actions),
            "NotResource" if s.negated_resources else "Resource": list(s.resources),
        }
        if s.conditions:
            block: dict[str, dict[str, list[str]]] = {}
            for op, key, values in s.conditions:
                block.setdefault(op, {})[key] = list(values)
            statement["Condition"] = block
        body.append(statement)
    return json.dumps({"Version": "1", "Statement": body})


# ------------------------------------------------------------------------------------------------ the property


@settings(max_examples=400, deadline=None)
@given(
    policies=st.lists(st.lists(statements(), min_size=1, max_size=3), max_size=3),
    action=_word.map(lambda w: f"svc:{w}"),
    resource=_word,
    account=_word,
    tag=st.one_of(st.none(), _word),
)
def test_the_evaluator_decides_as_the_model(
    policies: list[list[ModelStatement]], action: str, resource: str, account: str, tag: str | None
) -> None:
    parsed = [parse_policy_document(as_document(p)) for p in policies]
    context = RequestContext(principal_account=account, extra={"test:Tag": tag} if tag is not None else None)
    facts = {"acs:principalaccount": account} | ({"test:tag": tag} if tag is not None else {})
    flat = [s for p in policies for s in p]
    assert evaluate(parsed, action=action, resource=resource, context=context) is model_decision(
        flat, action, resource, facts
    )


def test_the_model_s_glob() -> None:
    assert glob("a*", "a")
    assert glob("*", "")
    assert glob("a?b", "axb")
    assert not glob("a?b", "ab")
    assert not glob("A", "a")

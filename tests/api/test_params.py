"""Parameter reading: no declared parameter of any action takes a control character, whatever its parser allows."""

from __future__ import annotations

import pytest

from openrd import errors
from openrd.api.actions import ACTIONS
from openrd.api.params import Param, TagListParam

CONTROLS = ["\x00", "\x01", "\t", "\n", "\r", "\x1b", "\x1f", "\x7f"]
DECLARED = sorted(
    {(action.name, p.wire): p for action in ACTIONS for p in action.params if isinstance(p, Param)}.items()
)


@pytest.mark.parametrize(("where", "param"), DECLARED, ids=[f"{a}.{w}" for (a, w), _ in DECLARED])
def test_no_parameter_takes_a_control_character(where: tuple[str, str], param: Param) -> None:
    """Refused as the parameter's other syntax errors are: its documented code, else InvalidParameter naming it."""
    expected = param.invalid or errors.InvalidParameter
    # A JSON document's layout may use tabs and line breaks; every other control character is refused.
    for control in [c for c in CONTROLS if not (param.document and c in "\t\n\r")]:
        with pytest.raises(errors.OpenRDError) as caught:
            param.read({param.wire: f"ok{control}ok"})
        assert type(caught.value) is expected, (where, control, caught.value)
        if expected is errors.InvalidParameter:
            assert caught.value.text == f'The specified parameter "{param.wire}" is not valid.'


def test_free_text_still_takes_any_printable_character() -> None:
    note = next(p for (action, wire), p in DECLARED if (action, wire) == ("InviteAccountToResourceDirectory", "Note"))
    text = 'Welcome <aboard> & "enjoy" — 欢迎加入 \u00a0\u2028 \U0001f600'
    assert note.read({"Note": text}) == text


@pytest.mark.parametrize("prefix", ["Tag", "Tags"])
@pytest.mark.parametrize("part", ["Key", "Value"])
def test_a_tag_with_a_control_character_names_its_part(prefix: str, part: str) -> None:
    tags = TagListParam("Tag", "tags", aliases=("Tags",))
    given = {f"{prefix}.1.Key": "team", f"{prefix}.1.Value": "ops", f"{prefix}.2.Key": "env", f"{prefix}.2.Value": ""}
    assert tags.read(given) == (("team", "ops"), ("env", ""))
    given[f"{prefix}.2.{part}"] += "\x1b[31m"
    with pytest.raises(errors.InvalidParameter) as caught:
        tags.read(given)
    assert caught.value.text == f'The specified parameter "Tag.2.{part}" is not valid.'

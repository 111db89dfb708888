"""The API reference page, generated from the action registry (docs/api-reference.md; CI checks it is current)."""

from __future__ import annotations

from openrd.api.actions import ACTIONS
from openrd.api.params import Param
from openrd.api.protocol import PRODUCTS
from openrd.api.registry import Action
from openrd.domain.resources import RAM_KINDS, ResourceKind


def _resource(action: Action) -> str:
    """The resource its authorization check names (docs/behaviour.md#resources-of-an-action)."""
    if action.ram_action is None:
        return "none (no permission needed)"
    if action.target is None:
        return f"`acs:{action.ram_action.partition(':')[0]}:*:<caller account>:*`"
    target = action.target
    if target.kind in RAM_KINDS:
        if not target.param:
            return f"`acs:ram:*:<caller account>:{target.kind.value}/*`"
        absent_ram = "the calling RAM user's own" if target.callers_own else f"`{target.kind.value}/*`"
        return f"`acs:ram:*:<caller account>:{target.kind.value}/<{target.param}>` ({absent_ram} without it)"
    arn = "acs:resourcemanager::<owner>:account/<rd-id>/<root-id>/…/<account id>"
    if target.kind is ResourceKind.FOLDER:
        arn = "acs:resourcemanager::<owner>:folder/<rd-id>/<root-id>/…"
    absent = ", the root folder when it is absent" if target.kind is ResourceKind.FOLDER else ""
    return f"`{arn}` of the {target.kind.value} `{target.param}` names{absent}"


def _shared(action: Action) -> bool:
    """An action name another product's action also has (RAM's ListTagResources beside RM's)."""
    return sum(a.name == action.name for a in ACTIONS) > 1


def _title(action: Action) -> str:
    if _shared(action):
        return f"{action.name} ({' / '.join(sorted({PRODUCTS[v] for v in action.versions}))})"
    return action.name


def _anchor(title: str) -> str:
    return "".join(c for c in title.lower().replace(" ", "-") if c.isalnum() or c == "-")


def _order(action: Action) -> tuple[str, str]:
    return action.name, _title(action)


def render() -> str:
    lines = [
        "# openrd API reference",
        "",
        "Generated from the action registry by `openrd api-reference`; do not edit by hand.",
        "Every action also answers the [gateway errors](behaviour.md#order-of-checks) (signature, AccessKey,",
        "timestamp, nonce, STS token, `MissingParameter`, `InvalidParameter`, `InvalidVersion`, `InvalidApi.NotFound`,",
        "`NoPermission`).",
        "No parameter takes a control character (U+0000-U+001F, U+007F; tags included): the parameter's",
        "syntax error answers it. XML answers replace what XML 1.0 cannot hold with U+FFFD.",
        "",
        "| action | versions | RAM action | summary |",
        "|---|---|---|---|",
    ]
    for action in sorted(ACTIONS, key=_order):
        versions = ", ".join(f"`{v}` ({PRODUCTS[v]})" for v in sorted(action.versions))
        ram = f"`{action.ram_action}`" if action.ram_action else "none"
        title = _title(action)
        lines.append(f"| [{title}](#{_anchor(title)}) | {versions} | {ram} | {action.summary} |")
    for action in sorted(ACTIONS, key=_order):
        lines += ["", f"## {_title(action)}", "", action.summary, "", f"Resource: {_resource(action)}.", ""]
        if action.params:
            lines += ["| parameter | type | required | notes |", "|---|---|---|---|"]
            for p in action.params:
                required = "yes" if p.required else "no"
                default = f" (default {p.default})" if isinstance(p, Param) and p.default not in (None, "") else ""
                lines.append(f"| `{p.wire}` | {p.kind} | {required} | {p.doc}{default} |")
        else:
            lines.append("No parameters of its own.")
        if action.errors:
            lines += ["", "Errors:", ""]
            lines += [f"- {e.status} `{e.code}` — {e.message}" for e in action.errors]
    return "\n".join(lines) + "\n"

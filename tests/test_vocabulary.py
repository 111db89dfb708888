"""One vocabulary: a handler module never borrows from a sibling handler (what several share lives in
``api/wire.py``, parameters, or ``api/handlers/shapes.py``, answer shapes), and names do not shadow each other."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import openrd.api.handlers
from openrd import errors
from openrd.testing import ControlApiError, OpenRD

HANDLERS = Path(openrd.api.handlers.__file__).parent
PACKAGE = "openrd.api.handlers"
SHARED = {f"{PACKAGE}.shapes"}


def _imported_modules(path: Path) -> set[str]:
    """Every module an import statement in ``path`` names, ``from package import module`` included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the handlers package
                base = PACKAGE.rsplit(".", node.level - 1)[0] if node.level > 1 else PACKAGE
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_no_handler_imports_a_sibling_handler() -> None:
    modules = sorted(p for p in HANDLERS.glob("*.py") if p.name != "__init__.py")
    siblings = {f"{PACKAGE}.{p.stem}" for p in modules}
    assert len(siblings) > 3  # the glob found the handlers
    borrowed = {
        path.name: sorted(imported)
        for path in modules
        if (imported := (_imported_modules(path) & siblings) - SHARED - {f"{PACKAGE}.{path.stem}"})
    }
    assert borrowed == {}, f"handlers importing sibling handlers (move the shared name to api/wire.py): {borrowed}"


def test_the_check_sees_a_sibling_import(tmp_path: Path) -> None:
    borrower = tmp_path / "borrower.py"
    borrower.write_text(
        "from openrd.api.handlers.members import KEYWORD\nfrom openrd.api.handlers import accounts\n"
        "from .enablement import PHONE\n",
        encoding="utf-8",
    )
    imported = _imported_modules(borrower)
    assert {f"{PACKAGE}.members", f"{PACKAGE}.accounts", f"{PACKAGE}.enablement"} <= imported


@pytest.mark.parametrize("module", ["openrd.testing", "openrd.testing.client"])
def test_the_old_control_api_error_name_still_works_with_a_warning(module: str) -> None:
    imported = importlib.import_module(module)
    with pytest.warns(DeprecationWarning, match="ControlApiError"):
        old = imported.OpenRDError
    assert old is ControlApiError
    assert not issubclass(ControlApiError, errors.OpenRDError)  # not the OpenAPI's error envelope


def test_the_control_api_error_is_raised_for_a_refused_call(openrd_server: OpenRD) -> None:
    with pytest.raises(ControlApiError, match="404"):
        openrd_server.account("0000000000000000")

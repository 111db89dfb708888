"""One vocabulary: a handler module never borrows from a sibling handler; what several share lives in
``api/wire.py`` (parameters) or ``api/handlers/shapes.py`` (answer shapes)."""

from __future__ import annotations

import ast
from pathlib import Path

import openrd.api.handlers

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

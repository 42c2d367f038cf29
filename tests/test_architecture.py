"""The arrows between the apps (docs/architecture.md), checked on every import in the tree.

Every `import` and `from … import` is read with `ast`, at module level and inside functions alike, so a
late import cannot slip an arrow past the rule. Migrations are left out: they name other apps by string.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = {"cases", "subpoenas", "tracebacks", "providers"}

# app -> the top-level packages it must never import
FORBIDDEN = {
    "itg": DOMAIN,  # cross-cutting: no domain app
    "providers": {"tracebacks", "cases", "subpoenas"},  # the registry knows no traceback
    "tracebacks": {"cases", "subpoenas"},  # tracebacks and the intelligence on them offer selectors
    "cases": {"subpoenas"},  # tenancy and sharing, under the legal exchange
}


def imported_packages(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {(alias.name.split(".")[0], node.lineno) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.module.split(".")[0], node.lineno))
    return found


def modules_of(app: str) -> list[Path]:
    return sorted(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_no_app_imports_against_the_arrows(app):
    breaches = [
        f"{path.relative_to(ROOT)}:{line} imports {package}"
        for path in modules_of(app)
        for package, line in sorted(imported_packages(path))
        if package in FORBIDDEN[app]
    ]
    assert breaches == [], "imports against docs/architecture.md:\n" + "\n".join(breaches)


def test_the_checker_sees_late_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from subpoenas.models import LegalDemand\n    import cases.access\n")
    assert imported_packages(module) == {("subpoenas", 2), ("cases", 3)}


def test_every_app_is_checked():
    assert {"itg", *DOMAIN} == {app for app in FORBIDDEN} | {"subpoenas"}
    assert all((ROOT / app).is_dir() for app in FORBIDDEN)

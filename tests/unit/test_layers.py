"""The package's import structure, read from the source: the layer rules of docs/architecture.md."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "src" / "interview_lib"
ENTRY_POINTS = {"cli", "ui", "app"}
MAX_CLASS_LINES = 250


def modules() -> dict[str, ast.Module]:
    """Every module of the package by dotted name relative to the package (``session.interview``)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
        found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def imports(tree: ast.Module) -> set[str]:
    """The package modules ``tree`` imports, anywhere in it (lazy imports inside functions included)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("interview_lib"):
            names.add(node.module.removeprefix("interview_lib").lstrip("."))
        elif isinstance(node, ast.Import):
            names |= {a.name.removeprefix("interview_lib.") for a in node.names if a.name.startswith("interview_lib.")}
    return names


def part(module: str) -> str:
    """The top-level part a module belongs to (``session.interview`` → ``session``)."""
    return module.split(".")[0]


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    """Which top-level parts each part imports (itself left out)."""
    edges: dict[str, set[str]] = defaultdict(set)
    for name, tree in modules().items():
        if name == "":  # the package's own __init__: the public names, loaded lazily
            continue
        edges[part(name)] |= {part(m) for m in imports(tree) if m and part(m) != part(name)}
    return edges


def test_the_pure_core_imports_only_itself_and_the_errors() -> None:
    for name, tree in modules().items():
        if part(name) == "domain":
            assert {part(m) for m in imports(tree)} <= {"domain", "errors"}, name


def test_no_cycle_between_the_package_parts(graph: dict[str, set[str]]) -> None:
    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in graph.get(start, ()))

    cycles = sorted(p for p in graph if reaches(p, p, {p}))
    assert not cycles, {p: sorted(graph[p]) for p in cycles}


def test_only_entry_points_import_the_entry_points(graph: dict[str, set[str]]) -> None:
    for source, targets in graph.items():
        if source not in ENTRY_POINTS:
            assert not targets & ENTRY_POINTS, (source, targets & ENTRY_POINTS)


def test_the_store_does_not_know_tracking_and_analytics_do_not_know_the_wiring(graph: dict[str, set[str]]) -> None:
    assert "tracking" not in graph["store"]
    assert not graph["analytics"] & {"wiring", *ENTRY_POINTS}


def test_only_the_composition_root_starts_an_interview() -> None:
    callers = set()
    for name, tree in modules().items():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "start"
                and getattr(node.value, "id", "") == "Interview"
            ):
                callers.add(name)
    assert callers == {"wiring"}  # and the class itself, through cls.start


def test_no_class_is_longer_than_a_screenful_or_two() -> None:
    for name, tree in modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                assert length <= MAX_CLASS_LINES, f"{name}.{node.name}: {length} lines"


def test_every_module_says_what_it_holds_in_its_first_line() -> None:
    for name, tree in modules().items():
        docstring = ast.get_docstring(tree)
        assert docstring and docstring.strip(), f"{name or '__init__'} has no docstring"

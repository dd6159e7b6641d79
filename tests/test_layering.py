"""Conventions the code must keep: one direction of dependencies, one reader of the environment."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"nlp": 0, "indexer": 1, "search_api": 2}
OURS = {*LAYERS, "configs"}


def _modules() -> Iterator[tuple[str, Path]]:
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, path


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


GRAPH = {name: _imports(path) for name, path in _modules()}


def _reaches(start: str, target: str, seen: set[str] | None = None) -> bool:
    seen = seen if seen is not None else set()
    for imported in GRAPH.get(start, set()):
        if imported == target or imported.startswith(target + "."):
            return True
        if imported in GRAPH and imported not in seen:
            seen.add(imported)
            if _reaches(imported, target, seen):
                return True
    return False


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_layering_imports_point_down(module: str) -> None:
    own_layer = LAYERS[module.split(".")[0]]
    upward = sorted(
        imported
        for imported in GRAPH[module]
        if imported.split(".")[0] in LAYERS and LAYERS[imported.split(".")[0]] > own_layer
    )
    assert upward == [], f"{module} imports a higher layer: {upward}"


@pytest.mark.parametrize("module", ["nlp.schema"])
def test_layering_schema_imports_nothing_of_ours(module: str) -> None:
    assert not [m for m in GRAPH[module] if m.split(".")[0] in OURS]


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m.startswith("indexer")))
def test_layering_indexer_never_reaches_spacy(module: str) -> None:
    assert not _reaches(module, "spacy"), f"{module} imports spaCy, directly or through nlp"


@pytest.mark.parametrize(("name", "path"), sorted(_modules()))
def test_layering_only_settings_reads_environment(name: str, path: Path) -> None:
    if name == "nlp.settings":
        return
    text = path.read_text(encoding="utf-8")
    assert "os.environ" not in text and "getenv(" not in text, f"{name} reads the environment"


def _cycle_from(module: str, graph: dict[str, set[str]], path: list[str]) -> list[str] | None:
    """A chain of imports that leads from `module` back into `path`, if any (depth-first)."""
    for imported in sorted(graph[module]):
        if imported in path:
            return [*path[path.index(imported) :], imported]
        cycle = _cycle_from(imported, graph, [*path, imported])
        if cycle:
            return cycle
    return None


def test_layering_nlp_has_no_import_cycle() -> None:
    # Imports inside functions count too: a cycle hidden in a function is still a cycle, and one
    # module that must be imported late to work is how tangles start.
    # A package's __init__ importing its own submodules (`from nlp.claims import pipeline`) names itself:
    # not a cycle, so self-edges are left out.
    ours = [name for name in GRAPH if name.startswith("nlp")]
    nlp = {name: {m for m in GRAPH[name] if m in ours and m != name} for name in ours}
    cycles = [c for name in sorted(nlp) if (c := _cycle_from(name, nlp, [name]))]
    assert not cycles, f"nlp imports in a circle: {' -> '.join(cycles[0])}"


def test_layering_one_jieba_dictionary_per_process() -> None:
    """Alignment, the claims pipeline and the indexer segment with jieba's one default tokenizer."""
    import gc

    import jieba

    from indexer.tokens import words_field
    from nlp.align import get_aligner
    from nlp.claims import get_nlp

    get_aligner()
    words_field("行政复议决定书")
    get_nlp()("全年共收到政府信息公开申请9件。")
    loaded = [o for o in gc.get_objects() if isinstance(o, jieba.Tokenizer) and o.initialized]
    assert loaded == [jieba.dt]

"""Conventions the code must keep: one direction of dependencies, one reader of the environment."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
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


@pytest.mark.parametrize("segmenter", ["rjieba", "jieba"])
def test_layering_one_segmenter_per_process(segmenter: str) -> None:
    """Alignment, the claims pipeline and the indexer segment through one segmenter, loaded once: with
    rjieba (the default) no jieba dictionary is loaded at all; with jieba, only jieba's one tokenizer."""
    code = (
        "import gc, json, sys\n"
        "from indexer.tokens import words_field\n"
        "from nlp.align import get_aligner\n"
        "from nlp.claims import get_nlp\n"
        "from nlp import segment\n"
        "get_aligner()\n"
        "words_field('行政复议决定书')\n"
        "get_nlp()('全年共收到政府信息公开申请9件。')\n"
        "jieba = sys.modules.get('jieba')\n"
        "kind = jieba.Tokenizer if jieba else ()\n"
        "loaded = [o for o in gc.get_objects() if isinstance(o, kind) and o.initialized]\n"
        "print(json.dumps({'jieba': [o is jieba.dt for o in loaded],\n"
        "    'cuts': [type(c).__name__ for c in gc.get_objects()\n"
        "             if type(c) in (segment._JiebaCut, segment._RJiebaCut)]}))\n"
    )
    env = {**os.environ, "GOVREPORT_SEGMENTER": segmenter}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, check=True
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    if segmenter == "rjieba":
        assert seen == {"jieba": [], "cuts": ["_RJiebaCut"]}
    else:
        assert seen == {"jieba": [True], "cuts": ["_JiebaCut"]}

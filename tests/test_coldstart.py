"""Cold start (issue 11, build item 4): what a short command imports, and the cheaper paths it takes —
jieba's dictionary read from a disk copy, cpca's places without pandas — giving exactly what the full
paths give. Behaviour, not timing: bench/coldstart.py has the figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
TEXTS = sorted(
    [*(ROOT / "samples").rglob("*.txt"), *(SHARED.rglob("*.txt") if SHARED.is_dir() else [])],
    key=str,
)
SMALL = ROOT / "samples" / "seeds" / "zhongmou_2020.txt"
NEVER_ON_START = (
    "spacy",
    "thinc",
    "pandas",
    "pdfplumber",
    "pdfminer",
    "pypdfium2",
    "fontTools",
    "bs4",
    "docx",
    "pyarrow",
)


def _modules_after(code: str, env: dict[str, str] | None = None) -> list[str]:
    """Top-level module names loaded once `code` has run in a fresh interpreter."""
    script = (
        "import io, json, sys\n"
        f"{code}\n"
        "print('MODULES ' + json.dumps(sorted(sys.modules)), file=sys.__stdout__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env, check=True
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("MODULES "))
    return list(json.loads(line.removeprefix("MODULES ")))


def _loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return [n for n in names if any(m == n or m.startswith(n + ".") for m in modules)]


def test_coldstart_importing_the_cli_loads_no_heavy_library() -> None:
    modules = _modules_after("import search_api.cli")
    heavy = (
        *NEVER_ON_START,
        "numpy",
        "jieba",
        "rjieba",
        "cpca",
        "rapidfuzz",
        "tantivy",
        "yaml",
        "fastapi",
        "pydantic_settings",
    )
    assert _loaded(modules, heavy) == []
    # nor the project's models: --help has no use for them
    assert [m for m in ("nlp.schema", "indexer.query", "search_api.catalog") if m in modules] == []


def test_coldstart_extracting_a_text_file_loads_no_spacy_pandas_or_pdf_reader() -> None:
    code = (
        "from search_api.cli import main\n"
        f"sys.argv = ['govreport', 'extract', {str(SMALL)!r}]\n"
        "sys.stdout = io.StringIO()\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert sys.stdout.getvalue().lstrip().startswith('[')\n"
    )
    modules = _modules_after(code)
    assert _loaded(modules, NEVER_ON_START) == []
    assert "cpca" in modules and "nlp.extract" in modules  # it did extract, region included


def test_coldstart_search_help_lists_the_query_facets() -> None:
    from indexer.query import FACET_NAMES
    from search_api.commands import search

    assert search._FACET_NAMES == FACET_NAMES


# --- cpca without pandas -------------------------------------------------------------------------------


def _cpca_inputs() -> list[str]:
    """Each text whole, and each distinct line that names a place-like word."""
    texts: dict[str, None] = dict.fromkeys(
        ["", "县", "朝阳区", "北京市朝阳区人民政府", "中牟县人民政府办公室", "abc"]
    )
    for path in TEXTS:
        text = path.read_text(encoding="utf-8", errors="replace")
        texts[text] = None
        texts.update(dict.fromkeys(x for x in text.splitlines() if any(c in x for c in "省市县区州旗")))
    return list(texts)


def test_coldstart_cpca_records_without_pandas_equal_cpcas_frames() -> None:
    """nlp.metadata reads cpca's records itself; the places are those of cpca's DataFrame, row by row,
    for every text and line of samples/ and the shared corpus."""
    cpca = pytest.importorskip("cpca")
    pytest.importorskip("pandas")
    from nlp import metadata

    for text in _cpca_inputs():
        try:
            frame = cpca.transform_text_with_addrs(text, pos_sensitive=True)
            expected = metadata._places(frame.to_dict("records"))
        except KeyError:  # cpca's frame of no place
            expected = []
        assert metadata._places(metadata._text_records(text)) == expected, text[:40]
        umap = {"朝阳区": "110105"} if "朝阳" in text else {}
        frame = cpca.transform([text[:30]], umap=umap)
        named = metadata._places([metadata._name_record(text[:30], umap=umap)])
        assert named == metadata._places(frame.to_dict("records")), text[:30]


# --- jieba's dictionary from its disk copy ---------------------------------------------------------------


def test_coldstart_jieba_disk_copy_cuts_as_the_whole_dictionary(tmp_path: Path) -> None:
    """Every line of samples/ and the shared corpus, HMM on and off: jieba over the SQLite copy of its
    dictionary gives the words jieba gives over the whole dictionary loaded in memory."""
    import jieba

    from nlp import segment

    whole = jieba.Tokenizer()
    copied = jieba.Tokenizer()
    try:
        whole.initialize()  # jieba's own load (its marshal cache), as before the copy existed
        names = segment._copy_key(jieba)
        assert names is not None
        path = tmp_path / names[0]
        segment._write_copy(path, names[1], whole.FREQ, whole.total)
        opened = segment._open_copy(path, names[1])
        assert opened is not None
        copied.FREQ, copied.total = opened
        copied.initialized = True
        lines = [x for p in TEXTS for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]
        for hmm in (True, False):
            differ = [x for x in lines if copied.lcut(x, HMM=hmm) != whole.lcut(x, HMM=hmm)]
            assert differ == [], (hmm, differ[:3])
        assert segment._open_copy(path, names[1] + " another") is None  # another jieba: not used
    finally:  # no second loaded tokenizer left for tests/test_layering.py to find
        whole.initialized = copied.initialized = False
        whole.FREQ = copied.FREQ = {}


_PROBE = """
import json, sys
import jieba
from nlp import segment
segment._DISK_LOOKUP_LIMIT, segment._DISK_CHAR_LIMIT = int(sys.argv[1]), int(sys.argv[2])
text = open(sys.argv[3], encoding="utf-8").read()
first = segment.words(text[:200])
before = type(jieba.dt.FREQ).__name__
rest = segment.words(text)
print(json.dumps({"before": before, "after": type(jieba.dt.FREQ).__name__, "words": first + rest}))
"""


def test_coldstart_jieba_copy_written_once_then_read_then_left_for_the_whole(tmp_path: Path) -> None:
    """A fresh cache folder: the first process loads the whole dictionary and leaves the copy; the next
    reads the copy, and loads the whole dictionary once it has looked up more fragments or cut more
    characters than the limits. The words are the same throughout."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "GOVREPORT_SEGMENTER": "jieba"}

    def probe(lookups: int, chars: int = 10**9) -> dict[str, object]:
        command = [sys.executable, "-c", _PROBE, str(lookups), str(chars), str(SMALL)]
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, check=True)
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))

    first = probe(10**9)
    assert (first["before"], first["after"]) == ("dict", "dict")
    assert list((tmp_path / "cache" / "govreport").glob("jieba-dict-*.sqlite3"))
    second = probe(10**9)
    assert (second["before"], second["after"]) == ("_DiskFreq", "_DiskFreq")
    third = probe(50)
    assert (third["before"], third["after"]) == ("dict", "dict")  # past 50 lookups after the first cut
    fourth = probe(10**9, chars=1000)
    assert (fourth["before"], fourth["after"]) == ("_DiskFreq", "dict")  # past 1000 characters
    assert first["words"] == second["words"] == third["words"] == fourth["words"]


def test_coldstart_jieba_without_a_writable_cache_loads_the_whole_dictionary(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    env = {**os.environ, "XDG_CACHE_HOME": str(blocker), "GOVREPORT_SEGMENTER": "jieba"}
    command = [sys.executable, "-c", _PROBE, str(10**9), str(10**9), str(SMALL)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, check=True)
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert (answer["before"], answer["after"]) == ("dict", "dict")


def test_coldstart_configs_read_by_libyaml_as_by_pure_python() -> None:
    """nlp.config parses with libyaml's loader where PyYAML has it: every shipped config gives the data the
    pure-Python safe loader gives."""
    import yaml

    from nlp import config
    from nlp.settings import packaged_config_dir

    for path in sorted(packaged_config_dir().glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=config._SAFE_LOADER) == yaml.safe_load(text), path.name

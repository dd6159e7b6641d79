"""A bad-input corpus, generated here (issue 11, hardening): every hostile file gets a clear error code on a
line naming it, or is read with its problems named; the batch goes on to the good file after them;
memory stays bounded; `govreport ingest` lists every failed file in its summary.

Sizes are modest so the suite stays fast: the "big text" is 1 MB against a text limit of 200k
characters (a 10 s per-file budget stands behind it: room for an ordinary file on a loaded machine); the
zip bomb expands to 24 MB against an 8 MB limit. The full-size cases (a 50 MB text, a 1.25 GB bomb) are
the same code paths; measure them by hand.
"""

from __future__ import annotations

import io
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from nlp.errors import printable_name
from nlp.readers import SUPPORTED_SUFFIXES

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "seeds" / "lingqiu_2022.txt"
TEMPLATE_DOCX = ROOT / "samples" / "real" / "template_2021_blank.docx"
MAX_RSS_MB = 1500
_LINE = re.compile(r"^.+: \[[a-z_]+\] \S.*$")


def _scan_pdf() -> bytes:
    image = Image.new("RGB", (595, 842), "white")
    buffer = io.BytesIO()
    image.save(buffer, format="PDF")
    return buffer.getvalue()


def _encrypted_pdf() -> bytes:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _bomb_docx() -> bytes:
    from tests.test_hardening_readers import docx_with_padding

    return docx_with_padding(24 << 20)


def _corpus(root: Path) -> dict[str, tuple[str, ...]]:
    """Write the corpus under root/corpus; returns file name → the codes its line may carry ("report":
    read, its report printed)."""
    corpus = root / "corpus"
    corpus.mkdir()
    rng = random.Random(20240611)
    seed = SEED.read_bytes()
    seed_text = seed.decode("utf-8")
    expected: dict[str, tuple[str, ...]] = {}

    def put(name: str, data: bytes, *codes: str) -> None:
        (corpus / name).write_bytes(data)
        expected[name] = codes

    put("empty.txt", b"", "read_empty")
    put("whitespace.md", " \n\t\n\u3000 \r\n".encode(), "read_empty")
    put("whitespace.html", b"   \n\n ", "read_empty")
    for suffix in sorted(SUPPORTED_SUFFIXES):
        junk = bytes(rng.randrange(256) for _ in range(4096))
        put(
            f"random{suffix}", junk, "read_binary", "read_corrupt", "read_encoding", "read_empty",
            "read_not_a_report", "report",
        )  # fmt: skip
    put("truncated_utf8.txt", (seed_text.rstrip() + "完").encode("utf-8")[:-1], "report")
    put("gbk_unlabelled.txt", seed_text.encode("gb18030"), "report")
    gbk_page = b'<html><head><meta charset="utf-8"></head><body><pre>' + seed_text.encode("gb18030")
    put("gbk_mislabelled.html", gbk_page + b"</pre></body></html>", "report")
    big = (seed_text * (1_000_000 // len(seed) + 1)).encode("utf-8")
    put("big.txt", big, "read_too_large")  # past max_text_chars (200k here), refused before extraction
    deep = "<html><body>" + "<div>" * 10_000 + seed_text[:500] + "</div>" * 10_000 + "</body></html>"
    put("deep.html", deep.encode("utf-8"), "report")
    wide = (
        "<table><tr><td colspan=1000000>项目</td><td>1</td></tr><tr><td>制发件数</td><td>2</td></tr></table>"
    )
    put("colspan.html", f"<html><body><p>{seed_text[:300]}</p>{wide}</body></html>".encode(), "report")
    spans = "".join("<tr><td rowspan=1000 colspan=1000>1</td></tr>" for _ in range(40))
    put("spans.html", f"<html><body><table>{spans}</table></body></html>".encode(), "report")
    put("bomb.docx", _bomb_docx(), "read_too_large")
    put("scan.pdf", _scan_pdf(), "read_ocr_needed")
    put("encrypted.pdf", _encrypted_pdf(), "read_encrypted")
    put("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "read_unsupported")
    put("name with spaces.txt", seed, "report")
    put("中文 名称.txt", seed, "report")
    put("-rf.txt", seed, "report")
    put("line\nbreak.txt", seed, "report")
    loop = corpus / "loop"
    loop.mkdir()
    (loop / "up").symlink_to("..")
    (loop / "again").symlink_to(".")
    (loop / "self").symlink_to("self")
    put("zz_good.txt", seed, "report")  # last: the batch must reach it
    return expected


def _run(args: list[str], root: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """The command in a child process with small limits; also its peak RSS in MB."""
    rss_file = root / "rss"
    script = (
        "import atexit, resource, sys\n"
        f"atexit.register(lambda: open({str(rss_file)!r}, 'w').write("
        "str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))\n"
        "from search_api.cli import main\n"
        "sys.argv = ['govreport', *sys.argv[1:]]\n"
        "main()\n"
    )
    env = {
        **os.environ,
        "GOVREPORT_FILE_TIMEOUT_S": "10",
        "GOVREPORT_MAX_TEXT_CHARS": "200000",
        "GOVREPORT_MAX_EXPANDED_MB": "8",
        "GOVREPORT_DATA_DIR": str(root / "data"),
    }
    run = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=600, cwd=root, env=env
    )
    return run, int(rss_file.read_text()) // 1024


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[str, ...]]]:
    root = tmp_path_factory.mktemp("bad_inputs")
    return root, _corpus(root)


def _lines_naming(stderr: str, path: str) -> list[str]:
    shown = printable_name(path)
    return [line for line in stderr.splitlines() if line.startswith(shown + ":")]


def test_bad_inputs_extract_names_every_file_and_goes_on(
    corpus: tuple[Path, dict[str, tuple[str, ...]]],
) -> None:
    root, expected = corpus
    run, rss_mb = _run(["extract", "--format", "jsonl", "--", "corpus"], root)
    assert run.returncode == 1  # some files could not be read at all
    assert rss_mb < MAX_RSS_MB
    for line in run.stderr.splitlines():
        assert _LINE.match(line), line  # every message one line `file: [code] message`
    sources = [re.search(r'"source":"((?:[^"\\]|\\.)*)"', line) for line in run.stdout.splitlines()]
    printed = {m.group(1).encode().decode("unicode_escape").encode("latin-1").decode() for m in sources if m}
    for name, codes in expected.items():
        path = f"corpus/{name}"
        lines = _lines_naming(run.stderr, path)
        failed = [line for line in lines if re.search(r"\[read_[a-z_]+\]", line)]
        if path in printed:
            assert "report" in codes, f"{name} was read, expected {codes}"
        else:
            assert failed, f"{name}: no line names it\n{run.stderr[-3000:]}"
            assert any(f"[{code}]" in failed[0] for code in codes), f"{name}: {failed[0]} (expected {codes})"
    assert "corpus/zz_good.txt" in printed
    assert not any("loop/" in line for line in run.stderr.splitlines() + sorted(printed))
    spans = _lines_naming(run.stderr, "corpus/spans.html")
    assert any("[read_spans_ignored]" in line for line in spans)
    truncated = _lines_naming(run.stderr, "corpus/truncated_utf8.txt")
    assert any("[read_bad_bytes]" in line for line in truncated)


def test_bad_inputs_ingest_lists_every_failed_file(corpus: tuple[Path, dict[str, tuple[str, ...]]]) -> None:
    root, expected = corpus
    run, rss_mb = _run(["ingest", "--backend", "sqlite", "--", "corpus"], root)
    assert run.returncode == 1, run.stderr[-2000:]
    assert rss_mb < MAX_RSS_MB
    summary = run.stderr[run.stderr.index("files read:") :]
    failed = int(re.search(r"failed: (\d+)", summary).group(1))  # type: ignore[union-attr]
    listed = [line for line in summary.splitlines() if line.startswith("  /")]  # ingest names resolved paths
    must_fail = [n for n, codes in expected.items() if "report" not in codes]
    for name in must_fail:
        shown = printable_name(str((root / "corpus" / name).resolve()))
        assert any(line.startswith(f"  {shown}: [") for line in listed), name
    assert failed >= len(must_fail)
    assert "duplicates (same bytes as another file, indexed once):" in summary  # the seed copies
    indexed = int(re.search(r"indexed: (\d+)", summary).group(1))  # type: ignore[union-attr]
    assert indexed >= 1

"""expand_inputs: files, directories (recursive, supported suffixes, sorted), globs; misses reported."""

from __future__ import annotations

from pathlib import Path

from nlp.errors import ErrorCode
from nlp.readers import SUPPORTED_SUFFIXES, expand_inputs


def _tree(root: Path) -> None:
    for rel in [
        "a/2.pdf",
        "a/1.txt",
        "a/b/3.html",
        "a/b/skip.css",
        "a/b/scan.doc",
        "a/.hidden.txt",
        "c.docx",
        "d.md",
    ]:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")


def test_readers_inputs_directory_recursive_sorted_documents_only(tmp_path: Path) -> None:
    _tree(tmp_path)
    files, problems = expand_inputs([str(tmp_path / "a")])
    # a .doc is passed on so that the reader names it (convert to .docx); page assets are not documents
    expected = ["a/1.txt", "a/2.pdf", "a/b/3.html", "a/b/scan.doc"]
    assert [p.relative_to(tmp_path).as_posix() for p in files] == expected
    assert problems == []


def test_readers_inputs_mixed_files_globs_and_missing(tmp_path: Path) -> None:
    _tree(tmp_path)
    inputs = [
        str(tmp_path / "c.docx"),
        str(tmp_path / "*.md"),
        str(tmp_path / "nope.pdf"),
        str(tmp_path / "*.zzz"),
    ]
    files, problems = expand_inputs(inputs)
    assert [p.name for p in files] == ["c.docx", "d.md"]
    assert [p.code for p in problems] == [ErrorCode.READ_NOT_FOUND.value] * 2
    assert str(tmp_path / "nope.pdf") in problems[0].message and problems[0].source == str(
        tmp_path / "nope.pdf"
    )
    assert str(tmp_path / "*.zzz") in problems[1].message


def test_readers_inputs_duplicates_once_in_given_order(tmp_path: Path) -> None:
    _tree(tmp_path)
    files, _ = expand_inputs([str(tmp_path / "d.md"), str(tmp_path), str(tmp_path / "d.md")])
    assert files[0].name == "d.md"
    assert len(files) == len(set(files)) == 6


def test_readers_inputs_explicit_unsupported_file_kept_for_the_reader_to_refuse(tmp_path: Path) -> None:
    _tree(tmp_path)
    files, problems = expand_inputs([str(tmp_path / "a" / "b" / "skip.css")])
    assert [p.name for p in files] == ["skip.css"] and problems == []


def test_readers_inputs_empty_directory_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    files, problems = expand_inputs([str(tmp_path / "empty")])
    assert files == [] and problems[0].code == ErrorCode.READ_NOT_FOUND.value


def test_readers_inputs_supported_suffixes() -> None:
    assert {".txt", ".md", ".html", ".htm", ".docx", ".pdf"} <= SUPPORTED_SUFFIXES
    assert ".doc" not in SUPPORTED_SUFFIXES

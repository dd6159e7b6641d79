"""POST /api/check: an upload of each format is read and checked as `govreport check` does, nothing is
indexed, and every bad upload answers a JSON error with its code (never a 500)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from indexer.backends import open_backend
from nlp.errors import ErrorCode
from nlp.extract import extract_path
from nlp.lint import check_reports
from nlp.settings import Settings
from search_api.app import create_app
from search_api.models import CheckResponse
from search_api.routers.check import upload_name

ROOT = Path(__file__).resolve().parent.parent
UPLOADS = [
    ROOT / "samples" / "seeds" / "songxian_2021.txt",
    ROOT / "samples" / "crawler" / "fujian_pingtan_gonganju_2021.txt",
    ROOT / "tests" / "fixtures" / "html" / "blank_total_column.html",
    ROOT / "tests" / "fixtures" / "converters" / "template_2021_filled.docx",
    ROOT / "tests" / "fixtures" / "converters" / "hongze_2023.markitdown.md",
    ROOT / "samples" / "real" / "hongze_2023.pdf",
]
KNOWN_CODES = {c.value for c in ErrorCode}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("check")
    backend = open_backend(Settings(data_dir=data_dir, backend="sqlite"))  # an empty index
    backend.close()
    return Settings(data_dir=data_dir, backend="sqlite", max_file_mb=2)


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings=settings), raise_server_exceptions=False) as test_client:
        yield test_client


def _post(client: TestClient, name: str, data: bytes) -> object:
    return client.post("/api/check", files={"file": (name, data, "application/octet-stream")})


def _error(response: object, status: int, code: str) -> None:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    error = response.json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == code and error["parameter"] == "file", error
    assert "/tmp" not in error["message"] and "govreport-check" not in error["message"]


@pytest.mark.parametrize("path", UPLOADS, ids=lambda p: p.suffix)
def test_check_each_format_as_govreport_check_finds(client: TestClient, path: Path) -> None:
    response = _post(client, path.name, path.read_bytes())
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    checked = CheckResponse.model_validate(response.json())  # type: ignore[attr-defined]
    report = extract_path(path)
    expected = check_reports([report])[report.sha256]
    assert checked.source == checked.report.source == path.name
    assert checked.report.sha256 == report.sha256
    assert [(f.rule, f.severity, f.message_zh) for f in checked.findings] == [
        (f.rule, f.severity, f.message_zh) for f in expected.findings
    ]
    assert [(c.metric, c.value, c.verdict) for c in checked.claims] == [
        (c.metric, c.value, c.verdict) for c in expected.claims
    ]
    assert sum(checked.findings_by_severity.values()) == len(checked.findings)
    assert "govreport-check" not in response.text and "upload" + path.suffix not in response.text  # type: ignore[attr-defined]
    assert all(f.source == path.name for f in checked.findings)


def test_check_does_not_index(client: TestClient) -> None:
    _post(client, UPLOADS[0].name, UPLOADS[0].read_bytes())
    assert client.get("/api/stats").json()["reports"] == 0


def test_check_finds_the_pdf_error_with_its_page(client: TestClient) -> None:
    body = _post(client, "hongze.pdf", UPLOADS[-1].read_bytes()).json()  # type: ignore[attr-defined]
    finding = next(f for f in body["findings"] if f["rule"] == "T4-GROUP-TOTAL")
    assert {c["page"] for c in finding["cells"]} == {4}


def _docx_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + " " * (300 * 1024 * 1024) + "</w:document>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "status", "code"),
    [
        ("empty.txt", b"", 422, "read_empty"),
        ("blank.txt", b"   \n\n ", 422, "read_empty"),
        ("noise.txt", bytes(range(256)) * 64, 422, "read_binary"),
        ("old.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 600, 415, "read_unsupported"),
        ("picture.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, 422, "read_ocr_needed"),
        ("no_suffix", "随便一段文字".encode(), 415, "read_unsupported"),
        ("truncated.pdf", b"%PDF-1.7\n1 0 obj\n<<", 422, "read_corrupt"),
        ("fake.docx", b"PK\x03\x04 not a zip at all", 422, "read_corrupt"),
        ("bomb.docx", _docx_bomb(), 413, "read_too_large"),
    ],
)
def test_check_bad_files_answer_their_code(
    client: TestClient, name: str, data: bytes, status: int, code: str
) -> None:
    _error(_post(client, name, data), status, code)


def test_check_text_that_is_no_report_is_flagged_as_check_does(client: TestClient) -> None:
    response = _post(client, "poem.txt", "床前明月光，疑是地上霜。".encode())
    assert response.status_code == 200  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert {f["rule"] for f in body["findings"]} >= {"S-TABLE-MISSING", "S-SECTION-MISSING"}
    assert all(p["source"] == "poem.txt" for p in body["report"]["problems"])


def test_check_over_max_file_mb_is_read_too_large(client: TestClient) -> None:
    _error(_post(client, "big.txt", b"a" * (3 * 1024 * 1024)), 413, "read_too_large")


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {},
        {"json": {"file": "x"}},
        {"data": {"file": "not a file, a field"}},
        {"files": {"upload": ("a.txt", b"x")}},
        {"files": [("file", ("a.txt", b"x")), ("file", ("b.txt", b"y"))]},
        {"content": b"--x\r\nbroken", "headers": {"content-type": "multipart/form-data; boundary=x"}},
        {"content": b"", "headers": {"content-type": "multipart/form-data"}},
    ],
)
def test_check_malformed_requests_are_refused(client: TestClient, request_kwargs: dict[str, object]) -> None:
    response = client.post("/api/check", **request_kwargs)  # type: ignore[arg-type]
    assert response.status_code in (400, 413, 422), response.text
    error = response.json()["error"]
    assert error["code"] in KNOWN_CODES and error["parameter"] == "file"


def test_check_declared_length_over_the_limit_is_refused_unread(client: TestClient) -> None:
    response = client.post(
        "/api/check",
        content=b"x",
        headers={"content-type": "multipart/form-data; boundary=x", "content-length": str(10**9)},
    )
    assert response.status_code == 413 and response.json()["error"]["code"] == "read_too_large"


def test_check_get_is_405(client: TestClient) -> None:
    assert client.get("/api/check").status_code == 405


@pytest.mark.parametrize(
    ("filename", "shown"),
    [("../../etc/passwd.txt", "passwd.txt"), ("C:\\Users\\a\\r.pdf", "r.pdf"), ("", "upload"),
     (None, "upload"), ("a\x00b.txt", "ab.txt"), ("x" * 300 + ".txt", "x" * 196 + ".txt")],
)  # fmt: skip
def test_upload_name_keeps_only_the_file_name(filename: str | None, shown: str) -> None:
    assert upload_name(filename) == shown


def test_check_traversal_name_writes_nothing_outside(client: TestClient, tmp_path: Path) -> None:
    response = _post(client, "../../../../tmp/govreport-escape.txt", UPLOADS[0].read_bytes())
    assert response.status_code == 200 and response.json()["source"] == "govreport-escape.txt"  # type: ignore[attr-defined]
    assert not Path("/tmp/govreport-escape.txt").exists()


# --- the per-file time budget ----------------------------------------------------------------------


def test_check_past_file_timeout_is_read_timeout_naming_the_file(settings: Settings) -> None:
    """A file that takes longer than file_timeout_s answers read_timeout (422) naming it, not a 500 and
    not a hung request; the server goes on answering."""
    slow = settings.model_copy(update={"file_timeout_s": 0.001})  # no PDF is read and checked in 1 ms
    with TestClient(create_app(settings=slow), raise_server_exceptions=False) as test_client:
        response = _post(test_client, "洪泽区2023.pdf", UPLOADS[-1].read_bytes())
        _error(response, 422, ErrorCode.READ_TIMEOUT.value)
        message = response.json()["error"]["message"]  # type: ignore[attr-defined]
        assert "洪泽区2023.pdf" in message and "file_timeout_s" in message
        assert test_client.get("/api/health").status_code == 200


def test_check_within_the_budget_answers_as_without_one(settings: Settings, client: TestClient) -> None:
    unlimited = settings.model_copy(update={"file_timeout_s": 0})  # checked in the request's own thread
    data = UPLOADS[0].read_bytes()
    with TestClient(create_app(settings=unlimited), raise_server_exceptions=False) as test_client:
        inline = _post(test_client, "a.txt", data)
    forked = _post(client, "a.txt", data)
    assert inline.status_code == forked.status_code == 200  # type: ignore[attr-defined]
    assert inline.json() == forked.json()  # type: ignore[attr-defined]


def test_check_a_reader_error_in_the_child_keeps_its_code(client: TestClient) -> None:
    _error(_post(client, "empty.txt", b""), 422, ErrorCode.READ_EMPTY.value)

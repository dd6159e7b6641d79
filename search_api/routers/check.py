"""POST /api/check: one uploaded file (multipart field `file`, any format `govreport extract` reads)
→ its report, findings and claims, as `govreport check` finds them. Nothing is indexed.

The upload is refused with `read_too_large` (413) past the settings' `max_file_mb`, before its body is
parsed when the request says its length; a file that cannot be read answers its reader's code
(`read_unsupported`, `read_corrupt`, `read_not_a_report`, …) as JSON, never a 500. Reading and
checking one file takes at most the settings' `file_timeout_s`: past it the answer is `read_timeout`
(422) naming the file.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import re
import tempfile
import threading
from multiprocessing.connection import Connection
from pathlib import Path, PurePosixPath, PureWindowsPath

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from nlp.errors import ErrorCode, GovReportError
from nlp.schema import Report
from nlp.settings import Settings
from search_api.deps import SettingsDep
from search_api.models import CheckResponse, ErrorBody

__all__ = ["router", "upload_name"]

router = APIRouter(tags=["check"])
log = logging.getLogger(__name__)

_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}")
_MULTIPART_SLACK = 64 * 1024  # boundaries and part headers around the file's bytes
_CHUNK = 1 << 20
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "One report: .txt .md .html .htm .docx or .pdf.",
                        }
                    },
                }
            }
        },
    }
}


def upload_name(filename: str | None) -> str:
    """The uploaded file's own name (no directories, at most 200 characters); "upload" when none."""
    name = PureWindowsPath(PurePosixPath(filename or "").name).name.strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[-200:] or "upload"


def _too_large(limit_mb: float) -> GovReportError:
    return GovReportError(
        ErrorCode.READ_TOO_LARGE, f"the file is larger than max_file_mb ({limit_mb:g} MB)", parameter="file"
    )


def _missing_file() -> GovReportError:
    return GovReportError(
        ErrorCode.QUERY_INVALID, "send one file as the multipart/form-data field 'file'", parameter="file"
    )


async def _read_upload(upload: UploadFile, limit: int, limit_mb: float) -> bytes:
    data = bytearray()
    while chunk := await upload.read(_CHUNK):
        data += chunk
        if len(data) > limit:
            raise _too_large(limit_mb)
    return bytes(data)


def _check_bytes(data: bytes, name: str, settings: Settings) -> CheckResponse:
    from nlp.lint import check_reports
    from search_api.guard import extract_guarded

    match = _SUFFIX.fullmatch(Path(name).suffix)
    suffix = match.group(0).lower() if match else ""
    with tempfile.TemporaryDirectory(prefix="govreport-check-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            extracted = extract_guarded(path, settings=settings)
        except GovReportError as exc:
            raise GovReportError(exc.code, exc.message.replace(str(path), name), parameter="file") from exc
    # the temporary path is named in the report and its problems: the user sees the file's own name
    as_json = extracted.model_dump_json().replace(json.dumps(str(path))[1:-1], json.dumps(name)[1:-1])
    report = Report.model_validate_json(as_json)
    result = check_reports([report])[report.sha256]
    findings = [f.model_copy(update={"source": name}) for f in result.findings]
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    return CheckResponse(
        source=name, report=report, findings=findings, claims=result.claims, findings_by_severity=counts
    )


# --- the per-file time budget ----------------------------------------------------------------------
# The readers' budget (nlp.readers.budget) is an alarm signal, which only the main thread receives; a
# check runs in a server worker thread, so it runs in a child process instead, one per upload, stopped
# when `file_timeout_s` (reading, extracting and checking) has passed. The child is forked from a
# server that has loaded the extractor, the lint and the claim pipeline once (`_warm`), so it starts
# with them in memory and its time is the file's own.

_warmed = threading.Lock()
_warm_done: list[bool] = []


def _warm() -> None:
    """Load what checking a file needs into this process once, before the first child is forked."""
    with _warmed:
        if _warm_done:
            return
        import nlp.extract
        import nlp.lint  # noqa: F401

        try:
            from nlp.claims import get_nlp

            get_nlp()("预热：收到申请1件。")  # the pipeline and its word segmenter, built once
        except Exception:
            log.debug("claims pipeline not warmed", exc_info=True)
        _warm_done.append(True)


def _check_in_child(data: bytes, name: str, settings: Settings, sender: Connection) -> None:
    """Child process: check the file and send back its answer, or the code and message of its error."""
    try:
        sender.send(("ok", _check_bytes(data, name, settings).model_dump_json()))
    except GovReportError as exc:
        sender.send(("error", exc.code.value, exc.message))
    except BaseException as exc:
        sender.send(("error", ErrorCode.READ_CORRUPT.value, f"unexpected {type(exc).__name__}: {exc}"[:500]))
    finally:
        sender.close()


def _timed_out(name: str, seconds: float) -> GovReportError:
    message = f"{name}: reading and checking took more than {seconds:g} s (file_timeout_s): stopped"
    return GovReportError(ErrorCode.READ_TIMEOUT, message, parameter="file")


def _answer(reply: tuple[str, ...]) -> CheckResponse:
    if reply[0] == "ok":
        return CheckResponse.model_validate_json(reply[1])
    raise GovReportError(ErrorCode(reply[1]), reply[2], parameter="file")


def _check_within_budget(data: bytes, name: str, settings: Settings) -> CheckResponse:
    """`_check_bytes` in a child process stopped after `file_timeout_s` (READ_TIMEOUT naming the file);
    in this thread when there is no limit or the platform cannot fork."""
    seconds = settings.file_timeout_s
    if seconds <= 0 or "fork" not in multiprocessing.get_all_start_methods():
        return _check_bytes(data, name, settings)
    _warm()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_check_in_child, args=(data, name, settings, sender), daemon=True)
    child.start()
    sender.close()  # the child holds its own end: EOF here when it dies without answering
    try:
        if not receiver.poll(seconds):
            raise _timed_out(name, seconds)
        return _answer(receiver.recv())
    except EOFError as exc:
        message = f"{name}: the check stopped without an answer (exit code {child.exitcode})"
        raise GovReportError(ErrorCode.READ_CORRUPT, message, parameter="file") from exc
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()


@router.post(
    "/check",
    response_model=CheckResponse,
    openapi_extra=_UPLOAD_BODY,
    responses={
        400: {"model": ErrorBody},
        413: {"model": ErrorBody},
        415: {"model": ErrorBody},
        422: {"model": ErrorBody},
    },
)
async def check_upload(request: Request, settings: SettingsDep) -> CheckResponse:
    """Read and check one uploaded report without indexing it."""
    limit = settings.max_file_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + _MULTIPART_SLACK:
        raise _too_large(settings.max_file_mb)
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise _missing_file()
    try:
        form = await request.form(max_files=1, max_fields=16)
    except Exception as exc:  # a malformed body, or more than one file: the parser's own errors
        message = f"the multipart body could not be read: {type(exc).__name__}"
        raise GovReportError(ErrorCode.QUERY_INVALID, message, parameter="file") from exc
    try:
        uploads = [v for v in form.getlist("file") if isinstance(v, UploadFile)]
        if len(uploads) != 1:
            raise _missing_file()
        upload = uploads[0]
        data = await _read_upload(upload, limit, settings.max_file_mb)
        name = upload_name(upload.filename)
    finally:
        await form.close()
    return await run_in_threadpool(_check_within_budget, data, name, settings)

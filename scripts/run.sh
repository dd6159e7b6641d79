#!/usr/bin/env bash
# Installs govreport into .venv, ingests the bundled sample reports into the embedded backend, and
# serves the search API and web page (http://127.0.0.1:8000 unless --host/--port say otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q .
.venv/bin/govreport ingest samples/seeds samples/crawler samples/real/hongze_2023.pdf samples/real/huaian_gov_2024.pdf
exec .venv/bin/govreport serve "$@"

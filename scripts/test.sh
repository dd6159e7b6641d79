#!/usr/bin/env bash
# Installs the test dependencies into .venv and runs lint, types and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
# pytest-xdist: the suite runs on two workers (tests keep to their own tmp dirs and free ports).
.venv/bin/python -m pip install -q "pytest-xdist>=3.6"
# The browser test drives Debian's Chromium; install it where we may, else that one test is skipped.
if ! command -v chromedriver >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) >/dev/null 2>&1 \
    || echo "chromium could not be installed: the browser test will be skipped"
fi
.venv/bin/ruff check nlp indexer search_api tests bench
.venv/bin/ruff format --check nlp indexer search_api tests bench
.venv/bin/mypy
# Two workers (the machines have two cores); GOVREPORT_TEST_WORKERS=0 runs the suite in one process.
.venv/bin/python -m pytest -q -p no:cacheprovider -n "${GOVREPORT_TEST_WORKERS:-2}" --dist worksteal "$@"

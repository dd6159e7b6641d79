"""The README documents what users touch: every setting, error code, rule and command."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nlp.errors import ErrorCode
from nlp.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
RULES = yaml.safe_load((ROOT / "configs" / "rules.yaml").read_text(encoding="utf-8"))["rules"]


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_docs_every_setting_in_readme(name: str) -> None:
    assert f"GOVREPORT_{name.upper()}" in README


@pytest.mark.parametrize("code", sorted(c.value for c in ErrorCode))
def test_docs_every_error_code_in_readme(code: str) -> None:
    assert f"`{code}`" in README


@pytest.mark.parametrize("rule", sorted(RULES))
def test_docs_every_rule_in_readme(rule: str) -> None:
    assert rule in README


@pytest.mark.parametrize(
    "command", ["extract", "check", "compare", "ingest", "search", "export", "serve", "schema"]
)
def test_docs_every_command_in_readme(command: str) -> None:
    assert f"### `govreport {command}" in README


@pytest.mark.parametrize("script", ["scripts/run.sh", "scripts/test.sh"])
def test_docs_setup_commands_exist(script: str) -> None:
    assert f"./{script}" in README and (ROOT / script).is_file()


def test_docs_ci_runs_the_readme_test_command() -> None:
    assert "./scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")

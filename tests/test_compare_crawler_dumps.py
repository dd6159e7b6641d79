"""`compare` on the real crawler dumps: every report's commitments, and the body that repeats its section 五
word for word across four years (平潭 财政金融局 2022–2025)."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

from typer.testing import CliRunner

from search_api.cli import app

DUMPS = sorted((Path(__file__).parent / "fixtures" / "real").glob("*.txt"))


def test_compare_crawler_dumps_finds_commitments_and_copied_plans() -> None:
    result = CliRunner().invoke(app, ["compare", *map(str, DUMPS), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    with_plans = [r for r in data["reports"] if r["commitments"]]
    assert len(with_plans) >= len(DUMPS) - 1
    pairs = {
        tuple(sorted(Path(m[side]["source"]).stem for side in ("a", "b")))
        for m in data["matches"]
        if m["kind"] == "copied_prev_year"
    }
    years = [f"fujian_pingtan_caizhengjinrong_{y}" for y in (2022, 2023, 2024, 2025)]
    for earlier, later in pairwise(years):
        assert (earlier, later) in pairs

"""Keyword topics from configs/topics.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.errors import ErrorCode, GovReportError
from nlp.topics import load_topics, topics_for


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("二是政策解读形式还不够丰富", ["政策解读"]),
        ("定期组织政府网站和政务新媒体管理人员培训", ["平台建设/政府网站", "政务新媒体", "队伍建设/培训"]),
        ("依申请公开答复不够规范", ["依申请公开"]),
        ("强化考核监督，完善社会评议机制", ["监督考核"]),
        ("推进基层政务公开标准化规范化", ["基层政务公开"]),
        ("落实保密审查制度", ["信息管理/保密审查"]),
        ("今年天气晴朗", []),
    ],
)
def test_topics_for_passages(text: str, expected: list[str]) -> None:
    assert topics_for(text) == expected


def test_topics_config_lists_the_issue_topics() -> None:
    names = [name for name, _ in load_topics()]
    for topic in ("政策解读", "依申请公开", "政务新媒体", "主动公开", "监督考核", "基层政务公开"):
        assert topic in names


def test_topics_bad_config_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "topics.yaml").write_text("topics:\n  坏: {keywords: []}\n", encoding="utf-8")
    with pytest.raises(GovReportError) as caught:
        load_topics(config_dir=tmp_path)
    assert caught.value.code is ErrorCode.CONFIG_INVALID

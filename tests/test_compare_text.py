"""Plan comparison, text side: normalisation, scoring, shared-text evidence, config checks."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.compare.config import load_compare_config, parse_compare_config
from nlp.compare.text import is_stock, normalise_passage, score_normalised, shared_text, strip_marker
from nlp.config import load_yaml
from nlp.errors import ErrorCode, GovReportError

CONFIG = load_compare_config()
LINGQIU = ("灵丘县人民政府办公室", "灵丘县", "大同市", "灵丘", "大同")
GUANGLING = ("广灵县人民政府办公室", "广灵县", "大同市", "广灵", "大同")


def _norm(text: str, names: tuple[str, ...] = ()) -> str:
    return normalise_passage(text, names=names, config=CONFIG)


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("一是提升信息公开质量。", (), "提升信息公开质量"),
        ("（二）改进措施：加强培训", (), "改进措施加强培训"),
        ("(3)加强培训", (), "加强培训"),
        ("1.加强培训；", (), "加强培训"),
        ("第一，加强培训", (), "加强培训"),
        ("其二，加强培训", (), "加强培训"),
        ("十二是加强培训", (), "加强培训"),
        ("2022年我办政务公开工作", (), "#年我@政务公开工作"),
        ("二〇二三年全县组织培训3次", (), "#年全@组织培训#次"),
        ("培训75,295人次，占比12.5%", (), "培训#人次占比#"),
        ("灵丘县人民政府办公室将加强灵丘政务公开", LINGQIU, "@将加强@政务公开"),
        ("围绕区委区政府中心工作，指导区直单位", (), "围绕@委@政府中心工作指导@直单位"),
        ("我县将 加强 政策解读 。", (), "我@将加强政策解读"),
        ("ＡＢＣ全角字母", (), "ABC全角字母"),
        ("三同步要求", (), "三同步要求"),  # a numeral that is wording, not a year, stays
    ],
)
def test_compare_normalise_cases(text: str, names: tuple[str, ...], expected: str) -> None:
    names = tuple(sorted(names, key=len, reverse=True))
    assert _norm(text, names) == expected


@pytest.mark.parametrize(
    ("a", "names_a", "b", "names_b", "low", "high"),
    [
        # year changed
        (
            "一是2022年完成清单化管理，动态更新保障。",
            (),
            "一是2023年完成清单化管理，动态更新保障。",
            (),
            100,
            100,
        ),
        # body and place swapped by a neighbour
        (
            "灵丘县人民政府办公室组织灵丘全县培训",
            LINGQIU,
            "广灵县人民政府办公室组织广灵全县培训",
            GUANGLING,
            100,
            100,
        ),
        # markers and punctuation
        (
            "一是严格落实政策解读“三同步”要求，丰富解读形式。",
            (),
            "（一）严格落实政策解读三同步要求,丰富解读形式",
            (),
            100,
            100,
        ),
        # one word edited in a long passage
        (
            "三是定期开展直插基层办事人员的政务公开专题培训，多形式组织沟通交流，提升工作人员政务公开能力。",
            (),
            "三是定期开展面向基层办事人员的政务公开专题培训，多形式组织沟通交流，提升工作人员政务公开能力。",
            (),
            90,
            99.9,
        ),
        # a different commitment on the same topic
        (
            "三是定期开展直插基层办事人员的政务公开专题培训，多形式组织沟通交流，提升工作人员政务公开能力。",
            (),
            "三是建立健全政务公开工作考核机制，将政务公开纳入年度目标责任考核。",
            (),
            0,
            50,
        ),
        # unrelated problems of two real reports
        (
            "一是信息公开质量有待提升；",
            (),
            "三是人员稳定性有待进一步加强。个别单位负责人员岗位变动较频繁",
            (),
            0,
            40,
        ),
    ],
)
def test_compare_score_cases(
    a: str, names_a: tuple[str, ...], b: str, names_b: tuple[str, ...], low: float, high: float
) -> None:
    order = {"key": len, "reverse": True}
    score = score_normalised(
        _norm(a, tuple(sorted(names_a, **order))),  # type: ignore[call-overload]
        _norm(b, tuple(sorted(names_b, **order))),  # type: ignore[call-overload]
    )
    assert low <= score <= high


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (
            "提升信息公开质量，实行清单化管理",
            "提升信息公开质量，实行清单管理",
            "提升信息公开质量，实行清单…管理",
        ),
        ("加强培训", "完全不同的句子", ""),
        ("加强 业务 培训和队伍建设", "加强业务培训和队伍建设", "加强业务培训和队伍建设"),
        (
            "严格落实，丰富形式",
            "严格落实,丰富形式",
            "严格落实，丰富形式",
        ),  # aligned after NFKC, shown as printed
    ],
)
def test_compare_shared_text_cases(a: str, b: str, expected: str) -> None:
    assert shared_text(a, b, min_run=2) == expected


@pytest.mark.parametrize(
    ("text", "stock"),
    [
        ("一是进一步加强政务公开工作。", True),
        ("三是政策解读工作有待加强。", True),
        ("二是严格落实政策解读三同步要求，丰富解读形式，提升政策解读质量。", False),
        ("一是规范依申请公开答复文书格式", False),  # no stock phrase at all
    ],
)
def test_compare_stock_phrase_cases(text: str, stock: bool) -> None:
    assert is_stock(_norm(text), config=CONFIG) is stock


def test_compare_strip_marker_keeps_unmarked_text() -> None:
    assert strip_marker("加强政策解读", config=CONFIG) == "加强政策解读"
    assert strip_marker("一是一是", config=CONFIG) == "一是"  # one marker only


_HAN = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=1, max_size=40)
_NOISE = st.text(alphabet=" ，。；、,.\u3000“”", max_size=3)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_HAN, _NOISE), min_size=1, max_size=6), st.integers(1990, 2099))
def test_compare_normalise_ignores_punctuation_spaces_and_years(
    parts: list[tuple[str, str]], year: int
) -> None:
    plain = "".join(word for word, _ in parts)
    noisy = "".join(word + noise for word, noise in parts)
    assert _norm(f"甲{plain}{year}年") == _norm(f"甲{noisy}{year + 1}年")
    # 甲 first, as above: a leading 一、 is an enumerator, which normalisation strips by design
    assert score_normalised(_norm(f"甲{plain}"), _norm(f"甲{noisy}")) == 100


@settings(max_examples=60, deadline=None)
@given(_HAN, _HAN)
def test_compare_score_is_symmetric_and_bounded(a: str, b: str) -> None:
    forward, backward = score_normalised(a, b), score_normalised(b, a)
    assert forward == backward and 0 <= forward <= 100
    assert score_normalised(a, a) == 100


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("min_score", 120),
        ("min_score", "high"),
        ("neighbour_scope", "county"),
        ("marker_pattern", "([unclosed"),
        ("commitment_cues", "加强"),
        ("stock_phrases", [""]),
        ("common_weight", 2),
        ("min_chars", True),
    ],
)
def test_compare_config_rejects_bad_values(key: str, value: object) -> None:
    data = {**load_yaml("compare.yaml"), key: value}
    with pytest.raises(GovReportError) as caught:
        parse_compare_config(data)
    assert caught.value.code is ErrorCode.CONFIG_INVALID and key in caught.value.message


def test_compare_config_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        CONFIG.min_score = 1  # type: ignore[misc]

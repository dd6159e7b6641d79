import pytest
from rapidfuzz import fuzz, process

from nlp.normalize import normalize_label, split_enumerator


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("一、本年新收政府信息公开申请数量", "本年新收政府信息公开申请数量"),
        ("（三）不予公开", "不予公开"),
        ("(三) 不予公开", "不予公开"),
        ("1.属于国家秘密", "属于国家秘密"),
        ("1、属于国家秘密", "属于国家秘密"),
        ("１．属于国家秘密", "属于国家秘密"),
        ("8. 属于行政查询事项", "属于行政查询事项"),
        ("商业\n企业", "商业企业"),
        ("第二十条  第（一）项", "第二十条第(一)项"),
        ("3.危及“三安全一稳定”", '危及"三安全一稳定"'),
        (
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            "部分公开(区分处理的,只计这一情形,不计其他情形)",
        ),
        (
            "(二) 部分公开 (区分处理的, 只计这一情形, 不计其他情形)",
            "部分公开(区分处理的,只计这一情形,不计其他情形)",
        ),
        ("12.5", "12.5"),
        ("2021年", "2021年"),
    ],
)
def test_normalize_label(raw: str, expected: str) -> None:
    assert normalize_label(raw) == expected


@pytest.mark.parametrize(
    ("raw", "enumerator"),
    [("（六）其他处理", "(六)"), ("3.其他", "3."), ("四、结转下年度继续办理", "四、"), ("其他", None)],
)
def test_normalize_split_enumerator(raw: str, enumerator: str | None) -> None:
    assert split_enumerator(raw)[0] == enumerator


def test_normalize_works_as_rapidfuzz_processor() -> None:
    best = process.extractOne(
        "（三） 不予公开", ["不予公开", "无法提供"], scorer=fuzz.ratio, processor=normalize_label
    )
    assert best is not None and best[0] == "不予公开" and best[1] == 100

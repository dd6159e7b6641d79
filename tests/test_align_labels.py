import pytest

from nlp.align import LabelAligner, get_aligner
from nlp.config import load_yaml


@pytest.fixture(scope="module")
def aligner() -> LabelAligner:
    return get_aligner()


@pytest.mark.parametrize(
    ("label", "group", "key", "method"),
    [
        ("一、本年新收政府信息公开申请数量", None, "new_received", "exact"),
        ("四、结转下年度继续办理", None, "carried_forward", "exact"),
        ("行政规范性文件", None, "normative_documents", "exact"),
        ("规范性文件", None, "normative_documents", "variant"),
        ("2.其他法律法规禁止公开", "不予公开", "denied_prohibited_by_law", "variant"),
        ("2.其他法律行政止公开", "不予公开", "denied_prohibited_by_law", "variant"),
        (
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开",
            "其他处理",
            "other_overdue_correction",
            "variant",
        ),
        ("3.其他", "其他处理", "other_other", "context"),
        ("（七）总计", None, "handled_total", "context"),
        ("(六) 其他处理", None, "other_handling", "context"),
        ("3.危及三安全一稳定的", "不予公开", "denied_security_stability", "fuzzy"),
        ("1.本机关不掌握相关的政府信息", "无法提供", "unable_not_held", "fuzzy"),
        ("要求提供公开出版物的", None, "rejected_publication", "fuzzy"),
    ],
)
def test_align_row(aligner: LabelAligner, label: str, group: str | None, key: str, method: str) -> None:
    found = aligner.align_row(label, group=group, line=7)
    assert (found.key, found.method) == (key, method)
    assert found.line == 7 and found.raw_label == label


def test_align_context_keeps_3_other_out_of_other_groups(aligner: LabelAligner) -> None:
    found = aligner.align_row("3.其他", group="其他处理", table="applications")
    assert found.key == "other_other"
    assert found.candidates and found.candidates[0].key != "other_other"


@pytest.mark.parametrize("label", ["哈哈哈哈", "本年度工作要点", "信息公开指南"])
def test_align_unmatched_reports_candidates(aligner: LabelAligner, label: str) -> None:
    found = aligner.align_row(label, table="applications")
    assert found.key is None
    assert found.score < aligner.threshold
    assert len(found.candidates) == 3
    assert [c.score for c in found.candidates] == sorted((c.score for c in found.candidates), reverse=True)


@pytest.mark.parametrize(
    ("label", "table"),
    [
        ("三、收到和处理政府信息公开申请情况", "applications"),
        ("四、政府信息公开工作被申请行政复议、提起行政诉讼情况", "review_litigation"),
        ("二、主动公开政府信息情况。", "active_disclosure"),
        ("五、存在的主要问题及改进情况", None),
    ],
)
def test_align_titles(aligner: LabelAligner, label: str, table: str | None) -> None:
    assert aligner.title_table(label) == table


@pytest.mark.parametrize(
    ("label", "table"),
    [
        ("商业企业", "applications"),
        ("社会组织", "applications"),
        ("本年收费金额（单位：万元，保留4位小数）", "active_disclosure"),
        ("未经复议直接起诉", "review_litigation"),
        ("（七）总计", None),
        ("规章", None),
    ],
)
def test_align_headers(aligner: LabelAligner, label: str, table: str | None) -> None:
    assert aligner.header_table(label) == table


def test_align_threshold_comes_from_config() -> None:
    config = dict(load_yaml("labels.yaml"))
    config["threshold"] = 99.5
    strict = LabelAligner(config)
    assert strict.align_row("1.本机关不掌握相关的政府信息", group="无法提供").key is None

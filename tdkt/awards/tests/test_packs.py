"""Rule packs as data: loading, validation, the pack in force, the legal-rules ids and tags. No database."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest

from tdkt.awards.rulepacks import (
    PACK_DIR,
    RulePackError,
    describe_pack,
    describe_rule,
    pack_by_id,
    pack_for,
    pack_in_force,
    packs,
    parse_pack,
    validate_overrides,
    with_overrides,
)


def _doc(name: str = "nd152-2025.json") -> dict[str, Any]:
    return json.loads((PACK_DIR / name).read_text(encoding="utf-8"))


def test_three_packs_cover_time_without_gaps() -> None:
    ids = [p.id for p in packs()]
    assert ids == ["nd91-2017", "luat2022-nd98-2023", "nd152-2025"]
    assert pack_in_force(date(2017, 1, 1)).id == "nd91-2017"
    assert pack_in_force(date(2023, 12, 31)).id == "nd91-2017"
    assert pack_in_force(date(2024, 1, 1)).id == "luat2022-nd98-2023"
    assert pack_in_force(date(2025, 6, 30)).id == "luat2022-nd98-2023"
    assert pack_in_force(date(2025, 7, 1)).id == "nd152-2025"
    assert pack_in_force(date(2030, 1, 1)).id == "nd152-2025"


def test_a_cycle_is_judged_by_the_pack_in_force_on_its_last_day() -> None:
    assert pack_for(2023).id == "nd91-2017"
    assert pack_for(2024).id == "luat2022-nd98-2023"
    assert pack_for(2025).id == "nd152-2025"  # calendar 2025 ends on 31/12/2025
    assert pack_for(2022, "school").id == "nd91-2017"  # ends 31/08/2023
    assert pack_for(2023, "school").id == "luat2022-nd98-2023"  # ends 31/08/2024
    assert pack_for(2024, "school").id == "nd152-2025"  # ends 31/08/2025


def test_every_pack_names_its_instruments() -> None:
    assert "Nghị định 152/2025/NĐ-CP" in pack_by_id("nd152-2025").instruments
    assert "Nghị định 98/2023/NĐ-CP" in pack_by_id("luat2022-nd98-2023").instruments
    assert "Nghị định 91/2017/NĐ-CP" in pack_by_id("nd91-2017").instruments
    with pytest.raises(RulePackError, match="Không có bộ quy tắc “nd42-2010”"):
        pack_by_id("nd42-2010")


LEGAL_RULE_IDS = {
    "GEN_01", "GEN_02", "GEN_03", "GEN_05", "GEN_09", "LDTT_01", "LDTT_02", "CSTDCS_01", "CSTDCS_02",
    "CSTDT_01", "CSTDT_02", "CSTDTQ_01", "CSTDTQ_02", "TTLDTT_01", "TTLDXS_01", "TTLDXS_02", "COTINH_01",
    "COTINH_02", "COCP_01", "COCP_02", "COCP_03", "BKTTg_01", "BKTTg_02", "BKTTg_03", "BKTINH_01",
    "BKTINH_02", "BKTINH_03", "GK_01", "HCLD3_01", "HCLD3_02", "THONVH_01", "GDVH_01",
}  # fmt: skip


@pytest.mark.parametrize("pack_id", ["nd91-2017", "luat2022-nd98-2023", "nd152-2025"])
def test_packs_use_the_ids_of_the_legal_rules_table(pack_id: str) -> None:
    ids = {r.id for r in pack_by_id(pack_id).rules}
    assert ids >= LEGAL_RULE_IDS


def test_tags_follow_the_legal_rules_note() -> None:
    law, old, new = pack_by_id("luat2022-nd98-2023"), pack_by_id("nd91-2017"), pack_by_id("nd152-2025")
    assert law.rule("TTLDTT_01").tag == "V" and old.rule("TTLDTT_01").tag == "V-old"
    assert old.rule("CSTDCS_02").tag == "V-old" and old.rule("CSTDCS_02").enabled
    assert law.rule("CSTDCS_02").tag == "R" and not law.rule("CSTDCS_02").enabled
    assert old.rule("LDTT_02").tag == "V-old" and old.rule("LDTT_02").values["months"] == 10
    assert law.rule("LDTT_02").values["months"] == 6 and law.rule("LDTT_02").effective_from == date(
        2024, 4, 15
    )
    assert new.rule("LDTT_02").tag == "R"
    assert old.rule("TTLDXS_02").enabled and not law.rule("TTLDXS_02").enabled
    assert law.rule("COCP_02").tag == "V" and law.rule("GEN_09").tag == "R"
    assert new.rule("XATB_01").tag == "R" and not old.has_rule("XATB_01")
    assert describe_rule(law.rule("GEN_09"))["unverified"] is True


def test_every_rule_has_a_vietnamese_citation() -> None:
    for pack in packs():
        for rule in pack.rules:
            assert rule.citation and rule.label, rule.id
            assert any(
                word in rule.citation for word in ("Luật", "Nghị định", "Thông tư", "Công văn", "Không thấy")
            )


def test_overrides_apply_on_top_of_the_pack_and_are_described() -> None:
    pack = with_overrides(pack_for(2025), {"COCP_02": {"share": "25%", "rounding": "ceil"}})
    assert set(pack.rule("COCP_02").overridden) == {"share", "rounding"}
    assert describe_pack(pack)["overrides"] == {"COCP_02": {"share": "1/4", "rounding": "ceil"}}
    assert pack_for(2025).rule("COCP_02").values["rounding"] == "floor"  # the shipped pack is untouched


def test_overrides_are_checked_against_every_pack() -> None:
    validate_overrides({"CSTDCS_02": {"cap": "10%"}})
    with pytest.raises(RulePackError, match=r"overrides\.CSTDCS_02\.cap: “0\.2\.1” không hợp lệ"):
        validate_overrides({"CSTDCS_02": {"cap": "0.2.1"}})


def _broken(change: Any) -> list[str]:
    doc = copy.deepcopy(_doc())
    change(doc)
    with pytest.raises(RulePackError) as excinfo:
        parse_pack(doc, source="thu.json")
    return excinfo.value.problems


def _rule(doc: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(r for r in doc["rules"] if r["id"] == rule_id)


def test_an_unknown_predicate_is_refused_on_load() -> None:
    problems = _broken(lambda d: _rule(d, "LDTT_01")["condition"]["all"].append({"pred": "xep_loai_dep"}))
    assert any("vị từ “xep_loai_dep” không có trong bộ vị từ đã biết" in p for p in problems)


def test_a_bad_parameter_is_refused_on_load() -> None:
    problems = _broken(lambda d: _rule(d, "TTLDTT_01")["params"]["min_share"].update(default="1.7"))
    assert any("min_share.default: 17/10 lớn hơn mức cao nhất cho phép 1" in p for p in problems)
    problems = _broken(lambda d: _rule(d, "CSTDT_01")["condition"]["all"][0].update(k="$kk"))
    assert any("tham số “$kk” chưa được khai báo" in p for p in problems)
    problems = _broken(lambda d: _rule(d, "CSTDT_01")["condition"]["all"][0].update(title="CSTD"))
    assert any("“CSTD” không hợp lệ, cần một mã danh hiệu trong danh mục" in p for p in problems)
    problems = _broken(lambda d: _rule(d, "CSTDT_01")["condition"]["all"][0].pop("k"))
    assert any("thiếu tham số “k”" in p for p in problems)


def test_structural_mistakes_are_refused_on_load() -> None:
    problems = _broken(lambda d: d["rules"].append(copy.deepcopy(_rule(d, "GEN_01"))))
    assert any("mã quy tắc “GEN_01” bị trùng" in p for p in problems)
    problems = _broken(lambda d: _rule(d, "GEN_05").update(effect="require"))
    assert any("chỉ dùng với effect “filter”" in p for p in problems)
    problems = _broken(lambda d: _rule(d, "BKTINH_02").update(instead_of=["BKTINH_99"]))
    assert any("không có quy tắc “BKTINH_99”" in p for p in problems)
    problems = _broken(lambda d: _rule(d, "LDTT_01").update(tag="X"))
    assert any("tag: cần một nhãn kiểm chứng" in p for p in problems)

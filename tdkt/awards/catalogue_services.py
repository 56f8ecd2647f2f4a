"""Writes of the catalogue the board keeps (`CatalogueEntry`). The board only; every write atomic, validated
(Vietnamese problems naming the field) and audited.

- The province's own forms (`province_own`) are created, edited, retired and reactivated by the board, and
  deleted only while no award refers to them. Their code is changed only while no award refers to it.
- The Law's entries were seeded by migration: never deleted; their name, kind and class are the Law's. The
  board may correct who decides, the subjects, the article and its verification tag, and retire one.
- The rule engine's entries (`catalogue_selectors.engine_codes`): their legal facts are the pure
  catalogue's and read only; only the note and the order change; they are never retired.

`title_problem` is the one check of a code recorded on an award (services, Excel import, forms, API).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from tdkt.awards import subjects as s
from tdkt.awards.catalogue_selectors import award_references, fits, has_rules
from tdkt.awards.models import CatalogueClass, CatalogueEntry, CatalogueGroup, CatalogueLevel, VerificationTag
from tdkt.clusters.scopes import viewer_for
from tdkt.core.audit import Actor, actor_user, audit_record, snapshot
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.org.models import Person, Unit

CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{1,19}$")
FIELDS = [
    "code",
    "name",
    "short",
    "group",
    "grade",
    "level",
    "authority",
    "subject_kinds",
    "article",
    "article_tag",
    "note",
    "sort_order",
    "active",
    "province_own",
]
LABELS = {
    "code": "mã",
    "name": "tên",
    "short": "tên ngắn",
    "group": "loại",
    "grade": "hạng",
    "level": "cấp",
    "authority": "người quyết định tặng",
    "subject_kinds": "đối tượng",
    "article": "căn cứ",
    "article_tag": "mức kiểm chứng",
    "note": "ghi chú",
    "sort_order": "thứ tự",
}
EDITABLE = tuple(LABELS)
# what the Law fixes for its own entries, and what the engine's entries keep from the pure catalogue
LAW_FIXED = frozenset({"code", "name", "group", "grade"})
ENGINE_FIXED = frozenset(LABELS) - {"note", "sort_order"}


def _check_board(actor: Actor, what: str) -> None:
    if actor is not None and not viewer_for(actor).is_board:
        raise NotPermitted(f"Chỉ Ban Thi đua – Khen thưởng tỉnh được {what}")


def _clean_values(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for name in ("code", "name", "short", "authority", "article"):
        if isinstance(out.get(name), str):
            out[name] = " ".join(out[name].split())
    if isinstance(out.get("code"), str):
        out["code"] = out["code"].upper()
    if isinstance(out.get("subject_kinds"), list | tuple):
        out["subject_kinds"] = [k for k in s.SUBJECT_KINDS if k in set(out["subject_kinds"])] + [
            k for k in out["subject_kinds"] if k not in s.SUBJECT_KINDS
        ]
    return out


def _problems(values: dict[str, Any], *, entry: CatalogueEntry | None) -> list[Problem]:
    problems: list[Problem] = []
    code = values.get("code", "")
    if not code:
        problems.append(Problem("chưa ghi mã", field="code"))
    elif not CODE_PATTERN.match(code):
        problems.append(
            Problem(
                f"mã “{code}” không hợp lệ: 2 đến 20 ký tự, chữ in hoa không dấu, chữ số hoặc dấu gạch dưới, "
                "bắt đầu bằng chữ (ví dụ KNC_TINH)",
                field="code",
            )
        )
    else:
        same = CatalogueEntry.objects.filter(code__iexact=code)
        if entry is not None:
            same = same.exclude(pk=entry.pk)
        if (other := same.first()) is not None:
            problems.append(Problem(f"mã “{code}” đã dùng cho “{other.name}”", field="code"))
    name = values.get("name", "")
    if not name:
        problems.append(Problem("chưa ghi tên", field="name"))
    elif len(name) > 300:
        problems.append(Problem(f"tên dài {len(name)} ký tự, tối đa 300 ký tự", field="name"))
    elif (other_named := _same_name(name, entry)) is not None:
        problems.append(
            Problem(f"đã có “{other_named.name}” (mã {other_named.code}) trong danh mục", field="name")
        )
    if len(values.get("short", "")) > 100:
        problems.append(Problem("tên ngắn tối đa 100 ký tự", field="short"))
    for name_, length, label in (("authority", 300, "người quyết định tặng"), ("article", 300, "căn cứ")):
        if len(values.get(name_, "")) > length:
            problems.append(Problem(f"{label} tối đa {length} ký tự", field=name_))
    if values.get("group") not in CatalogueGroup.values:
        problems.append(Problem("chưa chọn loại (danh hiệu thi đua, huân chương, bằng khen…)", field="group"))
    if values.get("grade", "") not in CatalogueClass.values:
        problems.append(Problem("hạng không hợp lệ", field="grade"))
    if values.get("level") not in CatalogueLevel.values:
        problems.append(Problem("chưa chọn cấp", field="level"))
    if values.get("article_tag") not in VerificationTag.values:
        problems.append(Problem("mức kiểm chứng không hợp lệ", field="article_tag"))
    kinds = values.get("subject_kinds")
    if not isinstance(kinds, list) or not kinds:
        problems.append(
            Problem("chưa chọn đối tượng được tặng (cá nhân, tập thể, hộ gia đình…)", field="subject_kinds")
        )
    elif any(k not in s.SUBJECT_KINDS for k in kinds):
        problems.append(Problem("đối tượng được tặng không hợp lệ", field="subject_kinds"))
    order = values.get("sort_order")
    if not isinstance(order, int) or isinstance(order, bool) or order < 0:
        problems.append(Problem("thứ tự phải là số nguyên không âm", field="sort_order"))
    return problems


def _same_name(name: str, entry: CatalogueEntry | None) -> CatalogueEntry | None:
    rows = CatalogueEntry.objects.filter(name__iexact=name)
    return (rows.exclude(pk=entry.pk) if entry is not None else rows).first()


def _next_order(group: str) -> int:
    last = CatalogueEntry.objects.filter(group=group).order_by("-sort_order").first()
    return (last.sort_order if last else 0) + 5


@transaction.atomic
def catalogue_entry_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    group: str,
    level: str,
    subject_kinds: list[str],
    short: str = "",
    grade: str = "",
    authority: str = "",
    article: str = "",
    article_tag: str = VerificationTag.R,
    note: str = "",
    sort_order: int | None = None,
) -> CatalogueEntry:
    """Add one of the province's own forms (a provincial Kỷ niệm chương, a Giấy khen of a commune chairman…)."""
    _check_board(actor, "thêm vào danh mục khen thưởng")
    values = _clean_values(
        {
            "code": code,
            "name": name,
            "short": short,
            "group": group,
            "grade": grade,
            "level": level,
            "authority": authority,
            "subject_kinds": list(subject_kinds or []),
            "article": article,
            "article_tag": article_tag,
            "note": note,
            "sort_order": sort_order if sort_order is not None else _next_order(group),
        }
    )
    values["short"] = values["short"] or values["name"][:100]
    if problems := _problems(values, entry=None):
        raise ValidationFailed(problems)
    entry = CatalogueEntry.objects.create(**values, province_own=True, created_by=actor_user(actor))
    audit_record(
        actor=actor,
        action="catalogue.create",
        instance=entry,
        after=snapshot(entry, FIELDS),
        summary=f"Thêm vào danh mục khen thưởng: {entry.name} ({entry.code})",
    )
    return entry


@transaction.atomic
def catalogue_entry_update(*, actor: Actor, entry: CatalogueEntry, **changes: Any) -> CatalogueEntry:
    """Edit an entry: any field of the province's own (the code only while no award refers to it); of the
    Law's, who decides, the subjects, the article and its tag; of the engine's, the note and the order."""
    _check_board(actor, "sửa danh mục khen thưởng")
    entry = CatalogueEntry.objects.select_for_update().get(pk=entry.pk)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationFailed([Problem("không sửa được trường này", field=name) for name in unknown])
    values = _clean_values({name: getattr(entry, name) for name in EDITABLE} | changes)
    values["short"] = values["short"] or values["name"][:100]
    changed = {name for name in EDITABLE if values[name] != getattr(entry, name)}
    problems: list[Problem] = []
    fixed = ENGINE_FIXED if has_rules(entry.code) else (frozenset() if entry.province_own else LAW_FIXED)
    for name in sorted(changed & fixed):
        why = (
            "là căn cứ pháp lý của bộ quy tắc xét, chỉ đọc"
            if has_rules(entry.code)
            else "do Luật Thi đua, khen thưởng quy định, không sửa được"
        )
        problems.append(Problem(f"{LABELS[name]} của “{entry.name}” {why}", field=name))
    if "code" in changed and not problems and (n := award_references(entry.code)):
        problems.append(
            Problem(
                f"mã “{entry.code}” đã được {n} khen thưởng ghi nhận sử dụng: không đổi mã được", field="code"
            )
        )
    problems += _problems(values, entry=entry)
    if problems:
        raise ValidationFailed(problems)
    if not changed:
        return entry
    before = snapshot(entry, FIELDS)
    for name in changed:
        setattr(entry, name, values[name])
    entry.save(update_fields=sorted(changed))
    audit_record(
        actor=actor,
        action="catalogue.change",
        instance=entry,
        before=before,
        after=snapshot(entry, FIELDS),
        summary=f"Sửa danh mục khen thưởng: {entry.name} ({', '.join(LABELS[n] for n in sorted(changed))})",
    )
    return entry


@transaction.atomic
def catalogue_entry_set_active(
    *, actor: Actor, entry: CatalogueEntry, active: bool, reason: str
) -> CatalogueEntry:
    """Retire an entry (no new award may carry it; the awards that do keep it and its name) or bring it
    back. The engine's entries stay in use."""
    what = "ngừng sử dụng" if not active else "dùng lại"
    _check_board(actor, f"{what} một mục của danh mục khen thưởng")
    entry = CatalogueEntry.objects.select_for_update().get(pk=entry.pk)
    problems: list[Problem] = []
    if not reason.strip():
        problems.append(Problem(f"{what} phải ghi lý do", field="reason"))
    if not active and has_rules(entry.code):
        problems.append(
            Problem(
                f"“{entry.name}” có quy tắc xét trong bộ quy tắc: không ngừng sử dụng được", field="active"
            )
        )
    if entry.active == active:
        problems.append(
            Problem(f"“{entry.name}” {'đang được dùng' if active else 'đã ngừng sử dụng'}", field="active")
        )
    if problems:
        raise ValidationFailed(problems)
    before = snapshot(entry, FIELDS)
    entry.active = active
    entry.save(update_fields=["active"])
    audit_record(
        actor=actor,
        action="catalogue.retire" if not active else "catalogue.reactivate",
        instance=entry,
        before=before,
        after=snapshot(entry, FIELDS) | {"reason": reason.strip()},
        summary=f"{what[:1].upper()}{what[1:]} “{entry.name}” trong danh mục khen thưởng: {reason.strip()}",
    )
    return entry


@transaction.atomic
def catalogue_entry_delete(*, actor: Actor, entry: CatalogueEntry) -> None:
    """Delete one of the province's own entries that no award refers to (a mistake); otherwise retire it."""
    _check_board(actor, "xóa khỏi danh mục khen thưởng")
    entry = CatalogueEntry.objects.select_for_update().get(pk=entry.pk)
    if not entry.province_own:
        raise ValidationFailed(
            Problem(f"“{entry.name}” là hình thức của Luật: không xóa được, chỉ ngừng sử dụng", field="code")
        )
    if n := award_references(entry.code):
        raise ValidationFailed(
            Problem(
                f"“{entry.name}” đã được {n} khen thưởng ghi nhận sử dụng: không xóa được, chỉ ngừng sử dụng",
                field="code",
            )
        )
    before = snapshot(entry, FIELDS)
    audit_record(
        actor=actor,
        action="catalogue.delete",
        instance=entry,
        before=before,
        summary=f"Xóa khỏi danh mục khen thưởng: {entry.name} ({entry.code})",
    )
    entry.delete()


def title_problem(
    code: str,
    *,
    person: Person | None,
    unit: Unit | None,
    unit_kind: str = "",
    field: str = "title",
    allow_retired: bool = False,
    entries: Mapping[str, CatalogueEntry] | None = None,
) -> Problem | None:
    """A code that is not in the catalogue, retired (unless `allow_retired`: an award keeping the code it
    has), or not given to this kind of subject. `entries`: the catalogue read once (an import's rows)."""
    if entries is not None:
        entry = entries.get(code)
    else:
        entry = CatalogueEntry.objects.filter(code=code).first() if code else None
    if entry is None:
        if not code:
            return Problem("chưa chọn danh hiệu, hình thức", field=field)
        return Problem(f"danh hiệu, hình thức “{code}” không có trong danh mục", field=field)
    if not entry.active and not allow_retired:
        return Problem(f"“{entry.name}” đã ngừng sử dụng trong danh mục, không ghi mới được", field=field)
    if person is not None and not fits(entry, individual=True):
        return Problem(
            f"“{entry.name}” là danh hiệu, hình thức dành cho tập thể, không tặng cá nhân", field=field
        )
    if unit is not None and not fits(entry, individual=False, unit_kind=unit_kind):
        return Problem(f"“{entry.name}” là danh hiệu dành cho cá nhân, không tặng tập thể", field=field)
    return None

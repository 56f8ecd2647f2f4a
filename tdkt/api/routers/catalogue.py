"""The catalogue of titles and forms of commendation the board keeps: public to read (it is the law and the
province's published forms); the board adds its own forms, edits, retires and reactivates entries. Writes
need a session and its CSRF token (401 without a login); a unit's staff get 403; refusals are 422 naming
the field (a duplicate code, a code in use, the engine's legal facts)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from tdkt.api.schemas import WRITE_ERRORS, InputSchema
from tdkt.awards.catalogue_selectors import (
    ENGINE_BADGE,
    RECORD_ONLY_BADGE,
    award_references,
    catalogue_filter,
    engine_codes,
)
from tdkt.awards.catalogue_services import (
    catalogue_entry_create,
    catalogue_entry_set_active,
    catalogue_entry_update,
)
from tdkt.awards.models import (
    SUBJECT_KIND_LABELS,
    Award,
    CatalogueClass,
    CatalogueEntry,
    CatalogueGroup,
    CatalogueLevel,
    VerificationTag,
)
from tdkt.clusters.scopes import viewer_for
from tdkt.core.errors import NotPermitted

router = Router(tags=["catalogue"])


class CatalogueEntryOut(Schema):
    code: str
    name: str
    short: str
    group: str
    group_label: str
    grade: str
    grade_label: str
    level: str
    level_label: str
    authority: str
    subject_kinds: list[str]
    subject_kinds_label: str
    article: str
    article_tag: str
    article_tag_label: str
    province_own: bool
    active: bool
    sort_order: int
    note: str
    has_rules: bool  # whether the rule engine holds rules for it (computed, never stored)
    rules_label: str
    awards: int  # recorded awards carrying the code


def entry_out(entry: CatalogueEntry, *, awards: int | None = None) -> CatalogueEntryOut:
    rules = entry.code in engine_codes()
    return CatalogueEntryOut(
        code=entry.code,
        name=entry.name,
        short=entry.short,
        group=entry.group,
        group_label=CatalogueGroup(entry.group).label,
        grade=entry.grade,
        grade_label=CatalogueClass(entry.grade).label if entry.grade else "",
        level=entry.level,
        level_label=CatalogueLevel(entry.level).label,
        authority=entry.authority,
        subject_kinds=list(entry.subject_kinds),
        subject_kinds_label=entry.subject_kinds_text,
        article=entry.article,
        article_tag=entry.article_tag,
        article_tag_label=VerificationTag(entry.article_tag).label,
        province_own=entry.province_own,
        active=entry.active,
        sort_order=entry.sort_order,
        note=entry.note,
        has_rules=rules,
        rules_label=ENGINE_BADGE if rules else RECORD_ONLY_BADGE,
        awards=award_references(entry.code) if awards is None else awards,
    )


class CatalogueEntryIn(InputSchema):
    code: str = Field(max_length=20, description="Mã ASCII in hoa, ví dụ KNC_TINH; không đổi khi đã dùng")
    name: str = Field(max_length=300)
    short: str = Field("", max_length=100)
    group: CatalogueGroup
    grade: CatalogueClass = CatalogueClass.NONE
    level: CatalogueLevel
    authority: str = Field("", max_length=300)
    subject_kinds: list[str] = Field(description=f"Trong {', '.join(SUBJECT_KIND_LABELS)}")
    article: str = Field("", max_length=300)
    article_tag: VerificationTag = VerificationTag.R
    note: str = Field("", max_length=2000)
    sort_order: int | None = Field(None, ge=0)


class CatalogueEntryUpdateIn(InputSchema):
    """Only the fields given change."""

    code: str | None = Field(None, max_length=20)
    name: str | None = Field(None, max_length=300)
    short: str | None = Field(None, max_length=100)
    group: CatalogueGroup | None = None
    grade: CatalogueClass | None = None
    level: CatalogueLevel | None = None
    authority: str | None = Field(None, max_length=300)
    subject_kinds: list[str] | None = None
    article: str | None = Field(None, max_length=300)
    article_tag: VerificationTag | None = None
    note: str | None = Field(None, max_length=2000)
    sort_order: int | None = Field(None, ge=0)
    active: bool | None = Field(None, description="Ngừng sử dụng (false) hoặc dùng lại (true), kèm lý do")
    reason: str = Field("", max_length=2000)


def _board_only(request: HttpRequest) -> None:
    if not viewer_for(request.user).is_board:
        raise NotPermitted("Chỉ Ban Thi đua – Khen thưởng tỉnh được quản lý danh mục khen thưởng")


@router.get(
    "/catalogue", response=list[CatalogueEntryOut], summary="Danh mục danh hiệu, hình thức khen thưởng"
)
def catalogue_list(
    request: HttpRequest,
    q: str = "",
    group: CatalogueGroup | None = None,
    rules: bool | None = None,
    own: bool = False,
    retired: bool = False,
) -> list[CatalogueEntryOut]:
    """Public. `rules`: true for the entries the engine holds rules for, false for those only recorded;
    `retired`: include the retired entries."""
    rows = list(
        catalogue_filter(
            query=q,
            group=group.value if group else "",
            rules="" if rules is None else ("co" if rules else "khong"),
            own=own,
            retired=retired,
        )
    )
    counts: dict[str, int] = {}
    for code in Award.objects.filter(title__in=[e.code for e in rows]).values_list("title", flat=True):
        counts[code] = counts.get(code, 0) + 1
    return [entry_out(e, awards=counts.get(e.code, 0)) for e in rows]


@router.get("/catalogue/{code}", response=CatalogueEntryOut, summary="Một mục của danh mục khen thưởng")
def catalogue_detail(request: HttpRequest, code: str) -> CatalogueEntryOut:
    return entry_out(get_object_or_404(CatalogueEntry, code=code))


@router.post(
    "/catalogue",
    response={201: CatalogueEntryOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Thêm hình thức khen thưởng riêng của tỉnh (Ban Thi đua – Khen thưởng)",
)
def catalogue_post(request: HttpRequest, payload: CatalogueEntryIn) -> Status[CatalogueEntryOut]:
    """Refused (422, nothing written): a code already in the catalogue, a code that is not ASCII capitals,
    no subject. A unit's staff get 403."""
    _board_only(request)
    entry = catalogue_entry_create(
        actor=request.user,
        code=payload.code,
        name=payload.name,
        short=payload.short,
        group=payload.group.value,
        grade=payload.grade.value,
        level=payload.level.value,
        authority=payload.authority,
        subject_kinds=payload.subject_kinds,
        article=payload.article,
        article_tag=payload.article_tag.value,
        note=payload.note,
        sort_order=payload.sort_order,
    )
    return Status(201, entry_out(entry))


@router.put(
    "/catalogue/{code}",
    response={200: CatalogueEntryOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Sửa, ngừng sử dụng hoặc dùng lại một mục của danh mục (Ban Thi đua – Khen thưởng)",
)
def catalogue_put(request: HttpRequest, code: str, payload: CatalogueEntryUpdateIn) -> CatalogueEntryOut:
    """Refused (422): a change of code once an award carries it, a change of the engine's legal facts, a
    change of the Law's name, kind or class, retiring an entry the engine holds rules for, no reason."""
    _board_only(request)
    entry = get_object_or_404(CatalogueEntry, code=code)
    data: dict[str, Any] = payload.model_dump(exclude_unset=True)
    active = data.pop("active", None)
    reason = data.pop("reason", "")
    changes = {k: (v.value if hasattr(v, "value") else v) for k, v in data.items() if v is not None}
    if changes:
        entry = catalogue_entry_update(actor=request.user, entry=entry, **changes)
    if active is not None and active != entry.active:
        entry = catalogue_entry_set_active(actor=request.user, entry=entry, active=active, reason=reason)
    return entry_out(entry)

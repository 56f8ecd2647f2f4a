"""Request and response shapes of the JSON API, and the builders that fill them from models.

Numbers: every Decimal leaves the API as a string, never a float. Stored values keep the database's
scale (`STORED_PLACES`, four places: "260000.0000"), computed percentages keep theirs ("104.00"), so a
client that sends back what it received never writes a string `DecimalInput` finds ambiguous.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import types
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from tdkt.clusters.models import Cluster, ClusterRole, ClusterYear
from tdkt.core.errors import Problem
from tdkt.core.vn import NumberFormatError, format_number, parse_number
from tdkt.movements.compute import Achievement, Change
from tdkt.movements.models import Indicator, Period, Report, Target, TargetBasis
from tdkt.org.models import Unit
from tdkt.scoring.models import CriteriaSet, CrossAssignment, DiscrepancyAnswer, Layer, Score, ScoringRun

STORED_PLACES = 4  # the decimal_places of every DecimalField in tdkt.movements.models
_STORED_QUANTUM = Decimal(1).scaleb(-STORED_PLACES)
_STORED_LIMIT = Decimal(10) ** 16  # max_digits 20 minus 4 places
# SQLite, the default database, stores a DecimalField as REAL and Django reads it back to 15 significant
# digits: a longer number would come back rounded. A double holds any 15-digit decimal exactly.
MAX_SIGNIFICANT = 15

_MACHINE = re.compile(r"^[+-]?\d+(\.\d+)?$")  # 199121.158, what JSON clients send
_AMBIGUOUS = re.compile(r"^[+-]?\d{1,3}\.\d{3}$")  # 199.121: 199.121 or 199121? Refused, never guessed


def parse_decimal(raw: object) -> Decimal:
    """Read a decimal from a JSON request: a machine decimal string ("199121.158"), a Vietnamese one
    ("199.121,158", through `tdkt.core.vn.parse_number`), or a JSON number (read as Decimal by the API's
    parser, so no float ever touches it). Refuses what cannot be stored exactly: more than four decimal
    places, more than 15 significant digits, and the ambiguous "199.121" (199,121 or 199121?)."""
    if isinstance(raw, str) and _AMBIGUOUS.match(raw.strip()):
        text = raw.strip()
        small, big = Decimal(text), Decimal(text.replace(".", ""))
        raise PydanticCustomError(
            "number_ambiguous",
            "“{text}” có thể là {small_vn} hoặc {big_vn}: hãy viết “{small}” hoặc “{big}”, "
            "hoặc theo kiểu Việt Nam “{small_vn}” hoặc “{big_vn},0”",
            {
                "text": text,
                "small": format(small.normalize(), "f"),
                "big": format(big, "f"),
                "small_vn": format_number(small),
                "big_vn": format_number(big),
            },
        )
    if isinstance(raw, str) and _MACHINE.match(raw.strip()):
        value = Decimal(raw.strip())
    else:
        try:
            value = parse_number(raw).value
        except NumberFormatError as exc:
            raise PydanticCustomError("number", str(exc)) from exc
    if abs(value) >= _STORED_LIMIT:
        raise PydanticCustomError("number_too_large", "số quá lớn (tối đa 16 chữ số phần nguyên)")
    if value != value.quantize(_STORED_QUANTUM):
        raise PydanticCustomError(
            "number_too_precise", "tối đa {places} chữ số thập phân", {"places": STORED_PLACES}
        )
    if value and len(value.normalize().as_tuple().digits) > MAX_SIGNIFICANT:
        raise PydanticCustomError(
            "number_too_long",
            "số có quá {digits} chữ số có nghĩa, không lưu chính xác được",
            {"digits": MAX_SIGNIFICANT},
        )
    return value


DecimalInput = Annotated[
    Decimal,
    BeforeValidator(parse_decimal),
    Field(
        description="Số thập phân dạng chuỗi: “199121.158” hoặc theo kiểu Việt Nam “199.121,158”",
        examples=["199121.158", "199.121,158"],
    ),
]


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _from_json(annotation: Any, value: Any) -> Any:
    """A JSON string read as the date, time or enum member a field declares (what strict mode would refuse
    as a string); anything else is left for strict validation to judge."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            if arg is not type(None):
                converted = _from_json(arg, value)
                if converted is not value:
                    return converted
        return value
    if origin in (list, tuple, set, frozenset) and isinstance(value, list) and get_args(annotation):
        return [_from_json(get_args(annotation)[0], item) for item in value]
    if not isinstance(value, str):
        return value
    try:
        if annotation is dt.date and _ISO_DATE.match(value):
            return dt.date.fromisoformat(value)
        if annotation is dt.datetime:
            return dt.datetime.fromisoformat(value)
        if annotation is dt.time:
            return dt.time.fromisoformat(value)
    except ValueError:
        return value
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        values = [member.value for member in annotation]
        if value in values:
            return annotation(value)
        raise PydanticCustomError(
            "enum_value",
            "“{value}” không hợp lệ, cần một trong: {expected}",
            {"value": value, "expected": ", ".join(f"“{v}”" for v in values)},
        )
    return value


class InputSchema(Schema):
    """The base of every request body. Strict, as every input format is: an unknown key is refused (not
    ignored), and a value must have its JSON type — the string "false" is not a boolean, "12" is not an
    integer, 12.0 is not an integer. A date is its ISO string ("2024-03-15"), an enum its value, a decimal
    a `DecimalInput`. Errors become Vietnamese problems naming the field in `tdkt.api.errors`."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @field_validator("*", mode="before")
    @classmethod
    def _read_json_strings(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        return value if field is None else _from_json(field.annotation, value)


def stored(value: Decimal | None) -> str | None:
    """A stored value as text with the database's four places."""
    return None if value is None else format(value.quantize(_STORED_QUANTUM), "f")


def plain(value: Decimal | None) -> str | None:
    """A computed value (a rounded percentage) as text, with the places its computation gave it."""
    return None if value is None else format(value, "f")


# ---- errors -----------------------------------------------------------------------------------------


class ProblemOut(Schema):
    message: str
    row: int | None = None
    column: str | None = None
    field: str | None = None


class ProblemsOut(Schema):
    detail: list[ProblemOut]


class MessageOut(Schema):
    detail: str


# The error responses a write can give, for the OpenAPI description of each write.
WRITE_ERRORS: dict[int, type] = {401: MessageOut, 403: MessageOut, 404: MessageOut, 422: ProblemsOut}


def problem_out(problem: Problem) -> ProblemOut:
    return ProblemOut(message=problem.message, row=problem.row, column=problem.column, field=problem.field)


# ---- units ------------------------------------------------------------------------------------------


class UnitRef(Schema):
    id: int
    code: str
    name: str
    kind: str


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    parent_id: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None

    @staticmethod
    def resolve_kind_label(obj: Unit) -> str:
        return str(obj.get_kind_display())


class UnitDetailOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    parent_id: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    note: str
    ancestors: list[UnitRef] = Field(description="Cấp trên, từ gần đến xa (tỉnh cuối cùng)")


class LineageEventOut(Schema):
    id: int
    kind: str
    kind_label: str
    effective_date: dt.date
    legal_basis: str
    note: str
    predecessors: list[UnitRef]
    successors: list[UnitRef]


class UnitHistoryOut(Schema):
    unit: UnitRef
    predecessors: list[UnitRef] = Field(description="Mọi đơn vị tiền thân, thế hệ gần trước")
    successors: list[UnitRef] = Field(description="Mọi đơn vị kế thừa, thế hệ gần trước")
    events: list[LineageEventOut] = Field(description="Các sự kiện sáp nhập, chia tách, đổi tên, theo ngày")


def unit_ref(unit: Unit) -> UnitRef:
    return UnitRef(id=unit.pk, code=unit.code, name=unit.name, kind=unit.kind)


# ---- clusters ---------------------------------------------------------------------------------------


class ClusterRef(Schema):
    id: int
    code: str
    name: str
    kind: str


class ClusterOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    organiser: UnitRef
    rotation_policy: str
    description: str


class ClusterYearRef(Schema):
    id: int
    year: int
    cluster: ClusterRef


class ClusterYearSummary(Schema):
    id: int
    year: int


class ClusterDetailOut(ClusterOut):
    years: list[ClusterYearSummary]


class RoleOut(Schema):
    unit: UnitRef
    role: str
    role_label: str
    basis: str
    basis_label: str
    decided_on: dt.date | None
    reference: str


class MemberOut(Schema):
    unit: UnitRef
    position: int
    role: str | None


class IndicatorOut(Schema):
    code: str
    name: str
    measure_unit: str
    direction: str
    kind: str


class SignatoryOut(Schema):
    unit: UnitRef
    signer_name: str
    signer_title: str


class CovenantOut(Schema):
    signed_on: dt.date
    place: str
    document_number: str
    content: str
    signatories: list[SignatoryOut]


class MovementOut(Schema):
    id: int
    name: str
    slogan: str
    launched_by: UnitRef
    level: str
    kind: str
    start_date: dt.date
    end_date: dt.date | None
    planned_titles: list[str] = []
    version: int = 1


class ClusterYearOut(Schema):
    id: int
    year: int
    cluster: ClusterRef
    note: str
    members: list[MemberOut]
    head: RoleOut | None
    deputy: RoleOut | None
    indicators: list[IndicatorOut]
    covenant: CovenantOut | None
    movements: list[MovementOut]


def cluster_ref(cluster: Cluster) -> ClusterRef:
    return ClusterRef(id=cluster.pk, code=cluster.code, name=cluster.name, kind=cluster.kind)


def cluster_out(cluster: Cluster) -> ClusterOut:
    return ClusterOut(
        id=cluster.pk,
        code=cluster.code,
        name=cluster.name,
        kind=cluster.kind,
        kind_label=str(cluster.get_kind_display()),
        organiser=unit_ref(cluster.organiser),
        rotation_policy=cluster.rotation_policy,
        description=cluster.description,
    )


def cluster_year_ref(cluster_year: ClusterYear) -> ClusterYearRef:
    return ClusterYearRef(
        id=cluster_year.pk, year=cluster_year.year, cluster=cluster_ref(cluster_year.cluster)
    )


def role_out(role: ClusterRole) -> RoleOut:
    return RoleOut(
        unit=unit_ref(role.unit),
        role=role.role,
        role_label=str(role.get_role_display()),
        basis=role.basis,
        basis_label=str(role.get_basis_display()),
        decided_on=role.decided_on,
        reference=role.reference,
    )


def indicator_out(indicator: Indicator) -> IndicatorOut:
    return IndicatorOut(
        code=indicator.code,
        name=indicator.name,
        measure_unit=indicator.measure_unit,
        direction=indicator.direction,
        kind=indicator.kind,
    )


# ---- targets ----------------------------------------------------------------------------------------


class TargetIn(InputSchema):
    unit_id: int
    indicator_code: str = Field(min_length=1, max_length=40)
    basis: TargetBasis = TargetBasis.REGISTERED
    value: DecimalInput
    reference: str = Field("", max_length=300)
    version: int = Field(
        ge=0,
        description="Phiên bản của chỉ tiêu lúc bạn đọc (0 khi chưa có): ghi đè lên phiên bản mới hơn bị từ chối",
    )


class TargetOut(Schema):
    unit: UnitRef
    indicator_code: str
    basis: str
    basis_label: str
    value: str
    reference: str
    illustrative: bool
    source: str
    version: int = Field(description="Phiên bản hiện tại: gửi lại khi sửa")


def target_out(target: Target) -> TargetOut:
    return TargetOut(
        unit=unit_ref(target.unit),
        indicator_code=target.indicator.code,
        basis=target.basis,
        basis_label=str(target.get_basis_display()),
        value=stored(target.value) or "",
        reference=target.reference,
        illustrative=target.illustrative,
        source=target.source,
        version=target.version,
    )


# ---- results (the cluster-year dashboard) ---------------------------------------------------------


class AchievementOut(Schema):
    percent: str | None
    met: bool | None
    explanation: str


class ChangeOut(Schema):
    delta: str | None
    percent: str | None
    explanation: str


class ResultTargetOut(Schema):
    basis: str
    basis_label: str
    value: str
    reference: str
    illustrative: bool
    achievement: AchievementOut | None


class CellOut(Schema):
    indicator_code: str
    value: str | None = Field(description="Null khi chưa có số liệu hoặc người xem không được xem báo cáo")
    value_illustrative: bool
    value_source: str
    note: str
    prior_value: str | None
    prior_source: str
    targets: list[ResultTargetOut]
    percent: str | None = Field(description="Tỷ lệ hoàn thành so với chỉ tiêu chính (chỉ tiêu đầu tiên)")
    met: bool | None
    explanation: str | None
    change: ChangeOut | None


class ReportRef(Schema):
    id: int
    status: str
    status_label: str


class ResultRowOut(Schema):
    unit: UnitRef
    role: str | None
    report: ReportRef | None = Field(description="Null khi chưa có báo cáo hoặc người xem không được xem")
    report_visible: bool
    targets_visible: bool
    met_count: int
    cells: list[CellOut]


class ResultsOut(Schema):
    cluster_year: ClusterYearRef
    period: str
    period_label: str
    indicators: list[IndicatorOut]
    rows: list[ResultRowOut]


def achievement_out(value: Achievement | None) -> AchievementOut | None:
    if value is None:
        return None
    return AchievementOut(percent=plain(value.percent), met=value.met, explanation=value.explanation)


def change_out(value: Change | None) -> ChangeOut | None:
    if value is None:
        return None
    return ChangeOut(delta=stored(value.delta), percent=plain(value.percent), explanation=value.explanation)


def report_ref(report: Report) -> ReportRef:
    return ReportRef(id=report.pk, status=report.status, status_label=str(report.get_status_display()))


# ---- reports ----------------------------------------------------------------------------------------


class ReportOpenIn(InputSchema):
    unit_id: int
    period: Period


class ValueIn(InputSchema):
    indicator_code: str = Field(min_length=1, max_length=40)
    value: DecimalInput
    prior_value: DecimalInput | None = None
    note: str = ""
    illustrative: bool = False
    source: str = Field("", max_length=300)
    version: int = Field(
        ge=0,
        description="Phiên bản của số liệu lúc bạn đọc (0 khi chưa có): ghi đè lên phiên bản mới hơn bị từ chối",
    )


class TransitionIn(InputSchema):
    action: Literal["submit", "return", "accept", "lock"]
    reason: str = ""


class ValueOut(Schema):
    indicator_code: str
    indicator_name: str
    measure_unit: str
    value: str
    prior_value: str | None
    note: str
    illustrative: bool
    source: str
    version: int = Field(description="Phiên bản hiện tại: gửi lại khi sửa")


class EvidenceOut(Schema):
    id: int
    indicator_code: str | None
    original_name: str
    content_type: str
    size: int
    description: str
    uploaded_at: dt.datetime


class ReportOut(Schema):
    id: int
    cluster_year: ClusterYearRef
    unit: UnitRef
    period: str
    period_label: str
    status: str
    status_label: str
    editable: bool
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    locked_at: dt.datetime | None
    return_reason: str
    values: list[ValueOut]
    evidence: list[EvidenceOut]


def report_out(report: Report) -> ReportOut:
    """`report` should come from `tdkt.movements.selectors.report_detail` (values and evidence loaded)."""
    return ReportOut(
        id=report.pk,
        cluster_year=cluster_year_ref(report.cluster_year),
        unit=unit_ref(report.unit),
        period=report.period,
        period_label=str(report.get_period_display()),
        status=report.status,
        status_label=str(report.get_status_display()),
        editable=report.is_editable,
        submitted_at=report.submitted_at,
        reviewed_at=report.reviewed_at,
        locked_at=report.locked_at,
        return_reason=report.return_reason,
        values=[
            ValueOut(
                indicator_code=rv.indicator.code,
                indicator_name=rv.indicator.name,
                measure_unit=rv.indicator.measure_unit,
                value=stored(rv.value) or "",
                prior_value=stored(rv.prior_value),
                note=rv.note,
                illustrative=rv.illustrative,
                source=rv.source,
                version=rv.version,
            )
            for rv in report.values.all()
        ],
        evidence=[
            EvidenceOut(
                id=ev.pk,
                indicator_code=ev.indicator.code if ev.indicator else None,
                original_name=ev.original_name,
                content_type=ev.content_type,
                size=ev.size,
                description=ev.description,
                uploaded_at=ev.uploaded_at,
            )
            for ev in report.evidence.all()
        ],
    )


# ---- scoring ----------------------------------------------------------------------------------------
# Criteria sets, layer scores, the cross-scoring matrix, discrepancy answers, rankings and published runs.
# A ranking (`result`) is the engine's explained JSON exactly as `tdkt.scoring.jsonio.run` gives it, the
# same JSON the web pages and `tdkt score` show: it is passed through, never rebuilt here.


class CriteriaSetRef(Schema):
    id: int
    version: int


class CriteriaSetSummaryOut(Schema):
    id: int
    version: int
    status: str
    status_label: str
    adopted_on: dt.date | None
    amends: int | None = Field(description="Mã số (id) của phiên bản bộ tiêu chí được sửa đổi")
    reason: str
    declared_total: str


class CriteriaSetOut(CriteriaSetSummaryOut):
    cluster_year: ClusterYearRef
    criteria: list[dict[str, Any]] = Field(
        description="Cây tiêu chí, cùng dạng với criteria_set.criteria của tệp đầu vào chấm điểm"
    )
    rules: dict[str, Any] = Field(description="Quy tắc chấm, cùng dạng với rules của tệp đầu vào chấm điểm")


class CriteriaSetIn(InputSchema):
    criteria: list[dict[str, Any]] = Field(
        description="Cây tiêu chí theo docs/schemas/score-input.schema.json (criteria_set.criteria)"
    )
    rules: dict[str, Any] = Field(default_factory=dict, description="Quy tắc chấm (rules)")
    total: DecimalInput
    amends: int | None = Field(None, description="Mã số (id) của phiên bản được sửa đổi")
    reason: str = Field("", max_length=2000)


class AdoptIn(InputSchema):
    adopted_on: dt.date


class AssignmentPairIn(InputSchema):
    scorer_id: int = Field(description="Mã số (id) của đơn vị chấm")
    scored_id: int = Field(description="Mã số (id) của đơn vị được chấm")


class AssignmentsIn(InputSchema):
    pairs: list[AssignmentPairIn]
    no_reciprocal: bool = True


class AssignmentsProposeIn(InputSchema):
    per_unit: int = Field(ge=1, description="Số đơn vị chấm chéo mỗi đơn vị")
    no_reciprocal: bool = True
    seed: int = 0


class AssignmentOut(Schema):
    scorer: UnitRef
    scored: UnitRef


class ScoreIn(InputSchema):
    unit_id: int = Field(description="Mã số (id) của đơn vị được chấm")
    criterion: str = Field(min_length=1, max_length=20, description="Mã tiêu chí, ví dụ “I.1”")
    layer: Layer
    points: DecimalInput
    scorer_unit_id: int | None = Field(None, description="Đơn vị chấm; chỉ với điểm chấm chéo")
    explanation: str = Field("", description="Giải trình; với điểm thẩm định là lý do thẩm định (bắt buộc)")
    version: int = Field(
        ge=0,
        description="Phiên bản của điểm lúc bạn đọc (0 khi chưa có điểm): ghi đè lên phiên bản mới hơn bị từ chối",
    )


class ScoreOut(Schema):
    id: int
    unit: UnitRef
    criterion: str
    layer: str
    layer_label: str
    scorer_unit: UnitRef | None
    points: str
    explanation: str
    entered_at: dt.datetime
    version: int = Field(description="Phiên bản hiện tại: gửi lại khi sửa")
    appraised_by: str | None = Field(None, description="Điểm thẩm định: người thẩm định và đơn vị")
    confirmed_by: str | None = Field(None, description="Điểm thẩm định: người của Ban xác nhận")
    confirmed_at: dt.datetime | None = None


class AppraisalConfirmIn(InputSchema):
    version: int = Field(ge=1, description="Phiên bản của điểm thẩm định lúc Ban xem")


class PendingAppraisalOut(Schema):
    score_id: int
    version: int
    unit: str = Field(description="Mã đơn vị")
    unit_name: str
    criterion: str
    points_before: str = Field(description="Điểm tiêu chí khi không có điểm thẩm định")
    points_after: str
    total_before: str
    total_after: str
    appraised_by: str
    changes_leader: bool
    message: str


class DiscrepancyAnswerIn(InputSchema):
    answer: str


class DiscrepancyAnswerOut(Schema):
    unit: UnitRef
    criterion: str
    answer: str
    answered_at: dt.datetime


class PublishIn(InputSchema):
    reason: str = Field("", description="Bắt buộc khi công bố lại")


class OpenDiscrepancyOut(Schema):
    unit: str = Field(description="Mã đơn vị")
    criterion: str


class RankingPreviewOut(Schema):
    criteria_set: CriteriaSetSummaryOut
    unanswered_discrepancies: list[OpenDiscrepancyOut] = Field(
        description="Chênh lệch điểm chưa được giải trình: còn chúng thì chưa công bố được"
    )
    appraisals_to_confirm: list[PendingAppraisalOut] = Field(
        description="Điểm thẩm định chờ Ban Thi đua – Khen thưởng xác nhận: còn chúng thì chưa công bố được"
    )
    result: dict[str, Any] = Field(description="Bảng xếp hạng có giải thích, chưa công bố")


class ScoringRunOut(Schema):
    id: int
    number: int
    cluster_year: ClusterYearRef
    criteria_set: CriteriaSetRef
    supersedes: int | None = Field(description="Mã số (id) của lần công bố trước mà lần này thay thế")
    reason: str
    inputs_hash: str
    engine_version: str
    published_at: dt.datetime
    result: dict[str, Any] = Field(description="Bảng xếp hạng có giải thích, như đã công bố")


class VerificationOut(Schema):
    run_id: int
    ok: bool
    reasons: list[str]
    inputs_hash: str = Field(description="Mã băm dữ liệu vào đã lưu khi công bố")
    recomputed_hash: str = Field(description="Mã băm tính lại từ dữ liệu vào đã lưu")


def criteria_set_summary_out(criteria_set: CriteriaSet) -> CriteriaSetSummaryOut:
    return CriteriaSetSummaryOut(
        id=criteria_set.pk,
        version=criteria_set.version,
        status=criteria_set.status,
        status_label=str(criteria_set.get_status_display()),
        adopted_on=criteria_set.adopted_on,
        amends=criteria_set.amends_id,
        reason=criteria_set.reason,
        declared_total=stored(criteria_set.declared_total) or "",
    )


def criteria_set_out(criteria_set: CriteriaSet, criteria: list[dict[str, Any]]) -> CriteriaSetOut:
    """`criteria` from `tdkt.scoring.selectors.criteria_tree`."""
    return CriteriaSetOut(
        **criteria_set_summary_out(criteria_set).model_dump(),
        cluster_year=cluster_year_ref(criteria_set.cluster_year),
        criteria=criteria,
        rules=criteria_set.rules,
    )


def assignment_out(pair: CrossAssignment) -> AssignmentOut:
    return AssignmentOut(scorer=unit_ref(pair.scorer), scored=unit_ref(pair.scored))


def score_out(score: Score) -> ScoreOut:
    return ScoreOut(
        id=score.pk,
        unit=unit_ref(score.unit),
        criterion=score.criterion.code,
        layer=score.layer,
        layer_label=str(Layer(score.layer).label),
        scorer_unit=unit_ref(score.scorer_unit) if score.scorer_unit else None,
        points=stored(score.points) or "",
        explanation=score.explanation,
        entered_at=score.entered_at,
        version=score.version,
        appraised_by=score.entered_as or None,
        confirmed_by=score.confirmed_as or None,
        confirmed_at=score.confirmed_at,
    )


def discrepancy_answer_out(row: DiscrepancyAnswer) -> DiscrepancyAnswerOut:
    return DiscrepancyAnswerOut(
        unit=unit_ref(row.unit), criterion=row.criterion.code, answer=row.answer, answered_at=row.answered_at
    )


def scoring_run_out(run: ScoringRun) -> ScoringRunOut:
    criteria_set = run.criteria_set
    return ScoringRunOut(
        id=run.pk,
        number=run.number,
        cluster_year=cluster_year_ref(criteria_set.cluster_year),
        criteria_set=CriteriaSetRef(id=criteria_set.pk, version=criteria_set.version),
        supersedes=run.supersedes_id,
        reason=run.reason,
        inputs_hash=run.inputs_hash,
        engine_version=run.engine_version,
        published_at=run.published_at,
        result=run.result,
    )

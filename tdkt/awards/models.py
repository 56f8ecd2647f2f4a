"""The records behind eligibility: yearly task ratings, titles and forms received, initiatives, discipline,
pending reviews; the board's parameter overrides; and the bulk evaluation jobs with their stored outcomes.

A record belongs to a person (`tdkt.org.Person`) or to a collective (`tdkt.org.Unit`), never both. Codes
and ordered values mirror the pure types of `tdkt.awards.subjects` (Rating, DisciplineLevel, scopes, kinds,
bases), so the selectors build `Subject`s without translation tables.

Recorded awards are immutable: only `award_correct` (with a reason, audited before/after) and
`award_revoke` change one. Parameter overrides are never edited: each change is a new row, and the row in
force for a cycle is the latest one covering it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tdkt.awards import subjects as s
from tdkt.org.models import Person, Unit


class RatingChoice(models.IntegerChoices):
    KHTNV = int(s.Rating.KHTNV), "Không hoàn thành nhiệm vụ"
    HTNV = int(s.Rating.HTNV), "Hoàn thành nhiệm vụ"
    HTTNV = int(s.Rating.HTTNV), "Hoàn thành tốt nhiệm vụ"
    HTXSNV = int(s.Rating.HTXSNV), "Hoàn thành xuất sắc nhiệm vụ"


class DisciplineChoice(models.IntegerChoices):
    KHIEN_TRACH = int(s.DisciplineLevel.KHIEN_TRACH), "Khiển trách"
    CANH_CAO = int(s.DisciplineLevel.CANH_CAO), "Cảnh cáo"
    HA_BAC_LUONG = int(s.DisciplineLevel.HA_BAC_LUONG), "Hạ bậc lương"
    GIANG_CHUC = int(s.DisciplineLevel.GIANG_CHUC), "Giáng chức"
    CACH_CHUC = int(s.DisciplineLevel.CACH_CHUC), "Cách chức"
    BUOC_THOI_VIEC = int(s.DisciplineLevel.BUOC_THOI_VIEC), "Buộc thôi việc"


class AwardKind(models.TextChoices):
    CONG_TRANG = s.KIND_CONG_TRANG, "Theo công trạng, thành tích"
    DOT_XUAT = s.KIND_DOT_XUAT, "Đột xuất"
    CHUYEN_DE = s.KIND_CHUYEN_DE, "Theo đợt, chuyên đề"


class AwardBasis(models.TextChoices):
    HTXSNV = s.BASIS_HTXSNV, "Hoàn thành xuất sắc nhiệm vụ"
    INITIATIVE = s.BASIS_INITIATIVE, "Sáng kiến, đề tài"
    OTHER = s.BASIS_OTHER, "Khác"


class InitiativeScope(models.TextChoices):
    CO_SO = s.SCOPE_CO_SO, "Cấp cơ sở"
    BO_TINH = s.SCOPE_BO_TINH, "Cấp bộ, ngành, tỉnh"
    TOAN_QUOC = s.SCOPE_TOAN_QUOC, "Toàn quốc"


class PendingKind(models.TextChoices):
    KY_LUAT = "ky_luat", "Đang xem xét kỷ luật"
    DIEU_TRA = "dieu_tra", "Đang bị điều tra"
    THANH_TRA = "thanh_tra", "Đang thanh tra"
    KIEM_TRA = "kiem_tra", "Đang kiểm tra"
    KHIEU_NAI = "khieu_nai", "Đang xác minh khiếu nại, tố cáo"


# A record belongs to a person or to a collective: exactly one of the two.
_ONE_SUBJECT = (Q(person__isnull=False) & Q(unit__isnull=True)) | (
    Q(person__isnull=True) & Q(unit__isnull=False)
)


class Recorded(models.Model):
    """What every record carries: whose it is, where it came from, who entered it and when."""

    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name="tập thể", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("ghi chú", blank=True)
    source = models.CharField("nguồn", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def subject_name(self) -> str:
        return str(self.person or self.unit)


class TaskRating(Recorded):
    """The yearly rating of task completion (xếp loại mức độ hoàn thành nhiệm vụ)."""

    cycle = models.PositiveSmallIntegerField("năm")
    rating = models.PositiveSmallIntegerField("xếp loại", choices=RatingChoice.choices)
    # raised by `task_rating_set` when the year's rating is set again; see tdkt.core.versions
    version = models.PositiveIntegerField("phiên bản", default=1)

    class Meta:
        ordering = ["cycle", "id"]
        constraints = [
            models.CheckConstraint(condition=_ONE_SUBJECT, name="task_rating_one_subject"),
            models.UniqueConstraint(
                fields=["person", "cycle"], condition=Q(person__isnull=False), name="task_rating_person_cycle"
            ),
            models.UniqueConstraint(
                fields=["unit", "cycle"], condition=Q(unit__isnull=False), name="task_rating_unit_cycle"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} – {self.cycle}: {self.get_rating_display()}"


class CatalogueGroup(models.TextChoices):
    """The kinds of the catalogue, in the order of the Law (Art. 9 forms after the titles of Ch. II)."""

    DANH_HIEU_THI_DUA = "danh_hieu_thi_dua", "Danh hiệu thi đua"
    HUAN_CHUONG = "huan_chuong", "Huân chương"
    HUY_CHUONG = "huy_chuong", "Huy chương"
    DANH_HIEU_VINH_DU = "danh_hieu_vinh_du", "Danh hiệu vinh dự Nhà nước"
    GIAI_THUONG = "giai_thuong", "Giải thưởng Hồ Chí Minh, Giải thưởng Nhà nước"
    KY_NIEM_CHUONG = "ky_niem_chuong", "Kỷ niệm chương"
    BANG_KHEN = "bang_khen", "Bằng khen"
    GIAY_KHEN = "giay_khen", "Giấy khen"
    KHAC = "khac", "Hình thức khác"


class CatalogueClass(models.TextChoices):
    NONE = "", "Không chia hạng"
    NHAT = "nhat", "Hạng Nhất"
    NHI = "nhi", "Hạng Nhì"
    BA = "ba", "Hạng Ba"


class CatalogueLevel(models.TextChoices):
    NHA_NUOC = "nha_nuoc", "Cấp Nhà nước"
    BO_TINH = "bo_tinh", "Cấp bộ, ban, ngành, tỉnh"
    CO_SO = "co_so", "Cấp cơ sở"


class VerificationTag(models.TextChoices):
    """The verification tags of ../shared/domain/legal-rules.md."""

    V = "V", "Đã đối chiếu với văn bản"
    V_OLD = "V-old", "Theo văn bản đã hết hiệu lực"
    V_2ND = "V-2nd", "Theo nguồn thứ cấp"
    R = "R", "Chưa được kiểm chứng"


SUBJECT_KIND_LABELS = {
    s.SUBJECT_INDIVIDUAL: "cá nhân",
    s.SUBJECT_COLLECTIVE: "tập thể",
    s.SUBJECT_HOUSEHOLD: "hộ gia đình",
    s.SUBJECT_VILLAGE: "thôn, tổ dân phố",
    s.SUBJECT_COMMUNE: "xã, phường, đặc khu",
}


class CatalogueEntry(models.Model):
    """One title or form of commendation the province records: every one of the Law, and the province's own
    (`province_own`: a provincial Kỷ niệm chương, a Giấy khen of a commune chairman…). `code` is what
    `Award.title` stores: never changed once an award refers to it, and an entry an award refers to is
    retired (`active = False`), never deleted. Whether the rule engine holds rules for an entry is not stored:
    it is read from the pure catalogue and the rule packs (`selectors.engine_codes`); the legal facts of
    those entries are the pure catalogue's and read only."""

    code = models.CharField("mã", max_length=20, unique=True)
    name = models.CharField("tên", max_length=300)
    short = models.CharField("tên ngắn", max_length=100)
    group = models.CharField("loại", max_length=20, choices=CatalogueGroup.choices)
    grade = models.CharField("hạng", max_length=4, choices=CatalogueClass.choices, blank=True, default="")
    level = models.CharField("cấp", max_length=10, choices=CatalogueLevel.choices)
    authority = models.CharField("người quyết định tặng", max_length=300, blank=True)
    subject_kinds = models.JSONField("đối tượng", default=list)  # codes of tdkt.awards.subjects.SUBJECT_KINDS
    article = models.CharField("căn cứ", max_length=300, blank=True)
    article_tag = models.CharField(
        "mức kiểm chứng", max_length=5, choices=VerificationTag.choices, default=VerificationTag.R
    )
    province_own = models.BooleanField("hình thức riêng của tỉnh", default=False)
    active = models.BooleanField("đang dùng", default=True)
    sort_order = models.PositiveIntegerField("thứ tự", default=0)
    note = models.TextField("ghi chú", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(condition=~Q(code=""), name="catalogue_entry_has_code"),
            models.CheckConstraint(condition=~Q(name=""), name="catalogue_entry_has_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def subject_kinds_text(self) -> str:
        return ", ".join(SUBJECT_KIND_LABELS.get(k, k) for k in self.subject_kinds)


class Award(Recorded):
    """A title or form of commendation received, as its decision states it. `title` is the code of a
    `CatalogueEntry` (the rule engine knows those of `tdkt.awards.catalogue`); `cycle` is the (last) cycle of
    the achievement period."""

    title = models.CharField("danh hiệu, hình thức", max_length=20)
    cycle = models.PositiveSmallIntegerField("năm thành tích")
    period_start = models.PositiveSmallIntegerField("thành tích từ năm", null=True, blank=True)
    decision_no = models.CharField("số quyết định", max_length=60)
    decision_date = models.DateField("ngày quyết định")
    authority = models.CharField("cơ quan, người ban hành", max_length=200, blank=True)
    kind = models.CharField(
        "loại khen thưởng", max_length=12, choices=AwardKind.choices, default=AwardKind.CONG_TRANG
    )
    basis = models.CharField(
        "căn cứ xét", max_length=12, choices=AwardBasis.choices, default=AwardBasis.OTHER
    )
    revoked_on = models.DateField("ngày hủy bỏ", null=True, blank=True)
    revoked_reason = models.TextField("lý do hủy bỏ", blank=True)
    # raised by `award_correct` and `award_revoke`; see tdkt.core.versions
    version = models.PositiveIntegerField("phiên bản", default=1)

    class Meta:
        ordering = ["cycle", "decision_date", "id"]
        constraints = [
            models.CheckConstraint(condition=_ONE_SUBJECT, name="award_one_subject"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True) | Q(period_start__lte=models.F("cycle")),
                name="award_period_ordered",
            ),
            models.UniqueConstraint(
                fields=["person", "title", "cycle"],
                condition=Q(person__isnull=False, revoked_on__isnull=True),
                name="award_person_title_cycle",
            ),
            models.UniqueConstraint(
                fields=["unit", "title", "cycle"],
                condition=Q(unit__isnull=False, revoked_on__isnull=True),
                name="award_unit_title_cycle",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "cycle"], name="award_person_cycle"),
            models.Index(fields=["unit", "cycle"], name="award_unit_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.cycle} – {self.subject_name} (QĐ {self.decision_no})"

    @property
    def decision_text(self) -> str:
        """`QĐ số 12/QĐ-UBND ngày 05/01/2024 của UBND huyện Tiên Phước`."""
        text = f"QĐ số {self.decision_no} ngày {self.decision_date:%d/%m/%Y}"
        return f"{text} của {self.authority}" if self.authority else text


class Initiative(models.Model):
    """An initiative, accepted S&T topic or combat ingenuity, recognised for a person; `used_by` is the one
    award it served as the basis of (GEN_05: an initiative is used once only)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("tên sáng kiến", max_length=400)
    scope = models.CharField("cấp công nhận", max_length=10, choices=InitiativeScope.choices)
    cycle = models.PositiveSmallIntegerField("năm công nhận")
    recognised_by = models.CharField("cơ quan công nhận", max_length=200, blank=True)
    recognised_on = models.DateField("ngày công nhận", null=True, blank=True)
    used_by = models.ForeignKey(
        Award,
        verbose_name="đã dùng làm căn cứ cho",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="initiatives",
    )
    note = models.TextField("ghi chú", blank=True)
    source = models.CharField("nguồn", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cycle", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="initiative_person_name"),
        ]
        indexes = [models.Index(fields=["person", "cycle"], name="initiative_person_cycle")]

    def __str__(self) -> str:
        return f"{self.name} ({self.person})"


class Discipline(Recorded):
    level = models.PositiveSmallIntegerField("hình thức kỷ luật", choices=DisciplineChoice.choices)
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày")
    decision_no = models.CharField("số quyết định", max_length=60, blank=True)

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=_ONE_SUBJECT, name="discipline_one_subject"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="discipline_ordered"),
        ]
        indexes = [
            models.Index(fields=["person"], name="discipline_person"),
            models.Index(fields=["unit"], name="discipline_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} – {self.subject_name} ({self.start:%d/%m/%Y}–{self.end:%d/%m/%Y})"


class PendingReview(Recorded):
    """Under disciplinary review, investigation, inspection or complaint verification (GEN_01)."""

    kind = models.CharField("loại", max_length=10, choices=PendingKind.choices)
    since = models.DateField("từ ngày")
    until = models.DateField("đến ngày", null=True, blank=True)

    class Meta:
        ordering = ["since", "id"]
        constraints = [
            models.CheckConstraint(condition=_ONE_SUBJECT, name="pending_one_subject"),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")), name="pending_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["person"], name="pending_person"),
            models.Index(fields=["unit"], name="pending_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.subject_name} (từ {self.since:%d/%m/%Y})"


class ParameterOverride(models.Model):
    """The provincial board's value for one parameter of one rule, from a cycle on (and up to a cycle, if
    given). Never edited: a change, or a return to the rule pack's value (`reset`), is a new row; the row in
    force for a cycle is the latest one whose cycles cover it."""

    rule_id = models.CharField("mã quy tắc", max_length=40)
    param = models.CharField("tham số", max_length=60)
    value = models.JSONField("giá trị", null=True, blank=True)
    reset = models.BooleanField("trở về giá trị của bộ quy tắc", default=False)
    cycle_from = models.PositiveSmallIntegerField("áp dụng từ năm")
    cycle_to = models.PositiveSmallIntegerField("áp dụng đến năm", null=True, blank=True)
    reason = models.TextField("lý do")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-set_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cycle_to__isnull=True) | Q(cycle_to__gte=models.F("cycle_from")),
                name="override_cycles_ordered",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="override_has_reason"),
        ]
        indexes = [models.Index(fields=["rule_id", "param"], name="override_rule_param")]

    def __str__(self) -> str:
        return f"{self.rule_id}.{self.param} = {self.value!r} (từ {self.cycle_from})"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang chạy"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Lỗi"


class EvaluationJob(models.Model):
    """The bulk evaluation of every person of a province (or one unit) for one cycle, run as a background
    task (`tdkt.awards.tasks`); `done` of `total` people so far, and per title the count of each outcome."""

    scope = models.ForeignKey(Unit, verbose_name="phạm vi", on_delete=models.PROTECT, related_name="+")
    cycle = models.PositiveSmallIntegerField("năm xét")
    status = models.CharField("trạng thái", max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    titles = models.JSONField("danh hiệu xét", default=list)  # the order of the letters in `outcomes`
    pack = models.CharField("bộ quy tắc", max_length=40, blank=True)
    overrides = models.JSONField("tham số điều chỉnh áp dụng", default=dict)
    total = models.PositiveIntegerField("tổng số người", default=0)
    done = models.PositiveIntegerField("đã xét", default=0)
    counts = models.JSONField("kết quả", default=dict)  # {title: {outcome: n}}
    error = models.TextField("lỗi", blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Xét danh hiệu năm {self.cycle} – {self.scope} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.total == 0:
            return 100 if self.status == JobStatus.DONE else 0
        return (100 * self.done) // self.total

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


# One letter per title in a stored outcome string, in the order of `EvaluationJob.titles`.
OUTCOME_LETTERS = {"eligible": "e", "not_yet": "n", "barred": "b"}
LETTER_OUTCOMES = {v: k for k, v in OUTCOME_LETTERS.items()}


class EvaluationOutcome(models.Model):
    """One person's outcomes in a bulk run, one letter per title (`OUTCOME_LETTERS`): a million people are a
    million short rows rather than several million. The verdicts themselves, with their checks, are computed
    again on the person's page, where they are read one person at a time."""

    # the (job, person) unique index serves lookups by job: no separate index on job
    job = models.ForeignKey(EvaluationJob, on_delete=models.CASCADE, related_name="outcomes", db_index=False)
    # A derived snapshot written only by the bulk run, in the transaction that reads the people: no
    # database-level foreign key or extra index on person and unit, which would cost a trigger and an index
    # entry per row (a million rows took 20 s more on PostgreSQL with them). The (job, person) key stays.
    person = models.ForeignKey(
        Person, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    outcomes = models.CharField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "person"], name="evaluation_outcome_unique")]

    def __str__(self) -> str:
        return f"{self.person}: {self.outcomes}"

    def outcome_of(self, title: str) -> str | None:
        titles: list[str] = self.job.titles
        if title not in titles:
            return None
        return LETTER_OUTCOMES.get(self.outcomes[titles.index(title)])

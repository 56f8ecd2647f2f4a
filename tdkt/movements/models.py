"""Movements, the indicator catalogue, a cluster-year's targets and covenant, and reported results."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import models

from tdkt.clusters.models import Cluster, ClusterYear
from tdkt.org.models import Unit


class MovementLevel(models.TextChoices):
    CENTRAL = "central", "Trung ương"
    PROVINCE = "province", "Tỉnh, thành phố"
    DISTRICT = "district", "Huyện (trước 01/7/2025)"
    COMMUNE = "commune", "Xã, phường, đặc khu"
    AGENCY = "agency", "Cơ quan, đơn vị"


class MovementKind(models.TextChoices):
    REGULAR = "regular", "Thường xuyên"
    THEMATIC = "thematic", "Theo chuyên đề"


class Movement(models.Model):
    name = models.CharField("tên phong trào", max_length=400)
    slogan = models.CharField("khẩu hiệu", max_length=300, blank=True)
    launched_by = models.ForeignKey(
        Unit, verbose_name="cơ quan phát động", on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField("cấp phát động", max_length=10, choices=MovementLevel.choices)
    kind = models.CharField("hình thức", max_length=10, choices=MovementKind.choices)
    start_date = models.DateField("từ ngày")
    end_date = models.DateField("đến ngày", null=True, blank=True)
    description = models.TextField("nội dung", blank=True)
    clusters = models.ManyToManyField(
        Cluster, verbose_name="cụm, khối tham gia", blank=True, related_name="movements"
    )
    units = models.ManyToManyField(Unit, verbose_name="đơn vị tham gia", blank=True, related_name="movements")
    # the titles and forms of commendation planned for the movement (codes of tdkt.awards.catalogue, in
    # catalogue order): a list, because they are read and written only as the movement's whole set
    planned_titles = models.JSONField("danh hiệu, hình thức khen thưởng dự kiến", default=list, blank=True)
    # raised by `movement_update` at every change; the edit form carries the version it read
    version = models.PositiveIntegerField("phiên bản", default=1)

    class Meta:
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    HIGHER = "higher", "Càng cao càng tốt"
    LOWER = "lower", "Càng thấp càng tốt"


class IndicatorKind(models.TextChoices):
    AMOUNT = "amount", "Giá trị"
    PERCENTAGE = "percentage", "Tỷ lệ %"
    COUNT = "count", "Số lượng"
    YES_NO = "yes_no", "Đạt / không đạt"
    RANK = "rank", "Thứ hạng"


class Indicator(models.Model):
    code = models.CharField("mã", max_length=40, unique=True)
    name = models.CharField("tên chỉ tiêu", max_length=300)
    measure_unit = models.CharField("đơn vị tính", max_length=40)
    direction = models.CharField("chiều", max_length=6, choices=Direction.choices, default=Direction.HIGHER)
    kind = models.CharField("loại", max_length=10, choices=IndicatorKind.choices)
    description = models.TextField("mô tả", blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Period(models.TextChoices):
    MID_YEAR = "mid_year", "Sơ kết 6 tháng"
    YEAR_END = "year_end", "Tổng kết năm"


class ClusterIndicator(models.Model):
    """An indicator a cluster follows in a year, in the order its reports list them."""

    cluster_year = models.ForeignKey(ClusterYear, on_delete=models.PROTECT, related_name="indicators")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["position", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["cluster_year", "indicator"], name="cluster_indicator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} – {self.cluster_year}"


class TargetBasis(models.TextChoices):
    PROVINCE_ESTIMATE = "province", "Dự toán, kế hoạch tỉnh giao"
    COUNCIL_RESOLUTION = "council", "Nghị quyết HĐND giao"
    REGISTERED = "registered", "Đơn vị tự đăng ký"


class Target(models.Model):
    """A member's registered target for an indicator in a cluster-year, with its basis."""

    cluster_year = models.ForeignKey(ClusterYear, on_delete=models.PROTECT, related_name="targets")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    basis = models.CharField(
        "căn cứ", max_length=10, choices=TargetBasis.choices, default=TargetBasis.REGISTERED
    )
    value = models.DecimalField("chỉ tiêu", max_digits=20, decimal_places=4)
    reference = models.CharField("văn bản giao", max_length=300, blank=True)
    illustrative = models.BooleanField("số liệu minh họa", default=False)
    source = models.CharField("nguồn số liệu", max_length=300, blank=True)
    # raised by `target_set` at every change; a form or API write carries the version it read (core.versions)
    version = models.PositiveIntegerField("phiên bản", default=1)

    class Meta:
        ordering = ["unit__name", "indicator__code", "basis"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster_year", "unit", "indicator", "basis"], name="target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.indicator} = {self.value} ({self.get_basis_display()})"


class CovenantStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn thảo"
    SIGNING = "signing", "Đang ký"
    SIGNED = "signed", "Đã ký"


class SignedCovenants(models.Manager["Covenant"]):
    """`Covenant.objects`: the signed covenants only. Everywhere else in the code "the cluster-year has a
    covenant" means it is signed (targets frozen and public); a draft must not count, so the drafts are
    reached through `Covenant.all_objects` (the default manager: admin, dumps, related lookups see them)."""

    def get_queryset(self) -> models.QuerySet[Covenant]:
        return super().get_queryset().filter(status=CovenantStatus.SIGNED)


class Covenant(models.Model):
    """The emulation covenant (giao ước thi đua) the members sign for the year.

    Drafted by the head's staff (`covenant_draft`: status draft, the text editable), signed by each member
    for its unit (`covenant_member_sign`: status signing), signed when the last member signs (status
    signed, `signed_on` set): the targets are then frozen and public."""

    cluster_year = models.OneToOneField(ClusterYear, on_delete=models.PROTECT, related_name="covenant")
    status = models.CharField(
        "trạng thái", max_length=10, choices=CovenantStatus.choices, default=CovenantStatus.DRAFT
    )
    signed_on = models.DateField("ngày ký", null=True, blank=True)
    place = models.CharField("địa điểm", max_length=200, blank=True)
    document_number = models.CharField("số văn bản", max_length=100, blank=True)
    content = models.TextField("nội dung giao ước", blank=True)

    all_objects = models.Manager()
    objects = SignedCovenants()

    class Meta:
        default_manager_name = "all_objects"

    def __str__(self) -> str:
        return f"Giao ước {self.cluster_year}"

    @property
    def is_signed(self) -> bool:
        return self.status == CovenantStatus.SIGNED

    @property
    def signed_date(self) -> dt.date:
        """The signing date of a signed covenant (those `Covenant.objects` returns); a draft has none."""
        if self.signed_on is None:
            raise ValueError(f"{self} chưa ký")
        return self.signed_on


class CovenantSignatory(models.Model):
    covenant = models.ForeignKey(Covenant, on_delete=models.PROTECT, related_name="signatories")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField("người ký", max_length=120)
    signer_title = models.CharField("chức vụ", max_length=160)
    # when the unit signed (timezone-aware); empty for a covenant recorded in one step (`covenant_sign`),
    # whose signatures bear the covenant's date
    signed_at = models.DateTimeField("thời điểm ký", null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["covenant", "unit"], name="covenant_signatory_unique")]

    def __str__(self) -> str:
        return f"{self.unit}: {self.signer_name}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    SUBMITTED = "submitted", "Đã gửi"
    RETURNED = "returned", "Bị trả lại"
    ACCEPTED = "accepted", "Đã tiếp nhận"
    LOCKED = "locked", "Đã khóa"


class Report(models.Model):
    """A member's mid-year or year-end report of results in a cluster-year."""

    cluster_year = models.ForeignKey(ClusterYear, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports")
    period = models.CharField("kỳ báo cáo", max_length=10, choices=Period.choices)
    status = models.CharField(
        "trạng thái", max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.TextField("lý do trả lại", blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cluster_year", "period", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["cluster_year", "unit", "period"], name="report_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_period_display()} {self.cluster_year.year} – {self.unit}"

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


class ReportValue(models.Model):
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField("kết quả", max_digits=20, decimal_places=4)
    prior_value = models.DecimalField(
        "cùng kỳ năm trước", null=True, blank=True, max_digits=20, decimal_places=4
    )
    note = models.TextField("ghi chú", blank=True)
    illustrative = models.BooleanField("số liệu minh họa", default=False)
    source = models.CharField("nguồn số liệu", max_length=300, blank=True)
    # raised by `report_values_set` at every change; see tdkt.core.versions
    version = models.PositiveIntegerField("phiên bản", default=1)

    class Meta:
        ordering = ["indicator__code"]
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="report_value_unique")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


def evidence_path(instance: Evidence, filename: str) -> str:
    return (
        f"evidence/{instance.report.cluster_year.year}/{instance.report_id}/{instance.sha256[:16]}-{filename}"
    )


class Evidence(models.Model):
    """A file backing a report (minutes, statistics, decisions). Stored on disk, never in the database."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="evidence")
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to=evidence_path, max_length=400)
    original_name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField("mô tả", max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()


class RegistrationStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    SUBMITTED = "submitted", "Đã gửi cấp trên"
    RETURNED = "returned", "Bị trả lại"
    ACCEPTED = "accepted", "Đã tiếp nhận"


class TitleRegistration(models.Model):
    """A unit's emulation registration for a cycle (bản đăng ký thi đua): the titles its collective and its
    people register for at the year's start. Drafted by the unit's staff, sent to its superior (the parent
    unit's staff, or the board), who accepts it or returns it with a reason — the status cycle of a
    `Report`. Written by `tdkt.movements.registration` only."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+")
    cycle = models.PositiveSmallIntegerField("năm thi đua")
    status = models.CharField(
        "trạng thái", max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.TextField("lý do trả lại", blank=True)
    # raised at every change of its lines or status; a page or API write carries the version it read
    version = models.PositiveIntegerField("phiên bản", default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-cycle", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["unit", "cycle"], name="title_registration_unique")]

    def __str__(self) -> str:
        return f"Đăng ký thi đua năm {self.cycle} – {self.unit}"

    @property
    def is_editable(self) -> bool:
        return self.status in (RegistrationStatus.DRAFT, RegistrationStatus.RETURNED)


class RegistrationLine(models.Model):
    """One title registered: by the collective itself (`person` empty) or by one of its people. `cycle`
    repeats the registration's so that the database holds one registration of a title per subject and
    cycle, whichever unit's list it is on."""

    registration = models.ForeignKey(TitleRegistration, on_delete=models.CASCADE, related_name="lines")
    cycle = models.PositiveSmallIntegerField("năm thi đua")
    person = models.ForeignKey(
        "org.Person",
        verbose_name="cá nhân",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField("danh hiệu", max_length=20)  # a code of tdkt.awards.catalogue
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "person", "title"],
                condition=models.Q(person__isnull=False),
                name="registration_line_person_unique",
            ),
            models.UniqueConstraint(
                fields=["registration", "title"],
                condition=models.Q(person__isnull=True),
                name="registration_line_collective_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person or self.registration.unit}: {self.title}"

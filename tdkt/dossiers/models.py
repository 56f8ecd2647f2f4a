"""Proposal dossiers (hồ sơ đề nghị khen thưởng): one model for every track; the track is data
(`tracks.py`), the life is a table (`states.py`). Design: docs/decisions/0007-dossiers.md."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tdkt.awards.models import Award, Initiative
from tdkt.clusters.models import ClusterYear
from tdkt.dossiers import states
from tdkt.org.models import Person, Unit
from tdkt.voting.models import Ballot, Candidate, Conference

STATE_CHOICES = list(states.STATE_NAMES.items())
ACTION_CHOICES = list(states.ACTION_NAMES.items())


class SubjectKind(models.TextChoices):
    INDIVIDUAL = "individual", "Cá nhân"
    COLLECTIVE = "collective", "Tập thể"
    COMMUNE = "commune", "Xã, phường, đặc khu"
    HOUSEHOLD = "household", "Hộ gia đình"
    VILLAGE = "village", "Thôn, tổ dân phố"
    INITIATIVE = "initiative", "Sáng kiến"


class Dossier(models.Model):
    track = models.CharField("loại hồ sơ", max_length=40)
    cycle = models.PositiveSmallIntegerField("năm thành tích")
    subject = models.CharField("trích yếu", max_length=300)
    proposer = models.ForeignKey(
        Unit, verbose_name="đơn vị đề nghị", on_delete=models.PROTECT, related_name="+"
    )
    receiver = models.ForeignKey(Unit, verbose_name="nơi nhận", on_delete=models.PROTECT, related_name="+")
    cluster_year = models.ForeignKey(
        ClusterYear, verbose_name="cụm, khối – năm", null=True, blank=True, on_delete=models.PROTECT
    )
    conference = models.ForeignKey(
        Conference, verbose_name="hội nghị bình xét", null=True, blank=True, on_delete=models.PROTECT
    )
    ballot = models.ForeignKey(
        Ballot, verbose_name="lần bỏ phiếu suy tôn", null=True, blank=True, on_delete=models.PROTECT
    )
    state = models.CharField("trạng thái", max_length=12, choices=STATE_CHOICES, default=states.DRAFT)
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="chuyên viên thẩm định",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField("hạn của bước hiện tại", null=True, blank=True)
    posted_on = models.DateField("ngày bắt đầu công khai", null=True, blank=True)
    sent_on = models.DateField("ngày gửi", null=True, blank=True)
    version = models.PositiveIntegerField("phiên bản", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # the emulation council's secret ballot on this dossier's lines (tdkt.dossiers.council)
    council_ballot = models.ForeignKey(
        Ballot,
        verbose_name="lần bỏ phiếu của Hội đồng",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-cycle", "-id"]
        indexes = [models.Index(fields=["receiver", "state"]), models.Index(fields=["proposer", "cycle"])]

    def __str__(self) -> str:
        return f"Hồ sơ số {self.pk}: {self.subject}"


class DossierLine(models.Model):
    """One subject proposed for one title. `verdict` is the eligibility engine's verdict when the line was
    added (canonical JSON, with its SHA-256): the check at the province compares today's verdict with it."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField("số thứ tự")
    subject_kind = models.CharField("đối tượng", max_length=12, choices=SubjectKind.choices)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    initiative = models.ForeignKey(
        Initiative, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("danh hiệu, hình thức", max_length=20)
    cycle = models.PositiveSmallIntegerField("năm thành tích")
    outcome = models.CharField("kết quả xét khi đề nghị", max_length=10, blank=True)
    verdict = models.TextField("kết quả xét điều kiện khi đề nghị", blank=True)
    verdict_sha256 = models.CharField(max_length=64, blank=True)
    note = models.TextField("thành tích, ghi chú", blank=True)
    # Left out by the council or the decider (with the reason); otherwise the line is in the decision.
    excluded_reason = models.TextField("lý do không đưa vào quyết định", blank=True)
    award = models.OneToOneField(
        Award,
        verbose_name="khen thưởng đã ghi",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = models.DecimalField("tiền thưởng (đồng)", max_digits=14, decimal_places=0, null=True, blank=True)
    # this line on the council's ballot
    candidate = models.OneToOneField(
        Candidate,
        verbose_name="ứng viên trên phiếu của Hội đồng",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["dossier", "position"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(person__isnull=False, unit__isnull=True, initiative__isnull=True)
                    | Q(person__isnull=True, unit__isnull=False, initiative__isnull=True)
                    | Q(person__isnull=True, unit__isnull=True, initiative__isnull=False)
                ),
                name="dossier_line_one_subject",
            ),
        ]
        indexes = [models.Index(fields=["title", "cycle"])]

    def __str__(self) -> str:
        return f"{self.position}. {self.person or self.unit or self.initiative} — {self.title}"


class DossierStep(models.Model):
    """What happened to a dossier, in order: never edited."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("thao tác", max_length=12, choices=ACTION_CHOICES)
    from_state = models.CharField(max_length=12, choices=STATE_CHOICES)
    to_state = models.CharField(max_length=12, choices=STATE_CHOICES)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("lúc", auto_now_add=True)
    on = models.DateField("ngày")
    reason = models.TextField("lý do, ghi chú", blank=True)
    due_on = models.DateField("hạn bước tiếp theo", null=True, blank=True)

    class Meta:
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return f"{self.on:%d/%m/%Y} {self.get_action_display()}"


class DossierDocument(models.Model):
    """A document of the dossier: generated or drafted by TĐKT, taken from the conference, or uploaded."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("loại văn bản", max_length=40)
    name = models.CharField("tên văn bản", max_length=300)
    file = models.FileField("tệp", upload_to="dossiers/%Y/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    source = models.CharField("nguồn", max_length=12)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.name


class BaseSalary(models.Model):
    """The base salary (mức lương cơ sở) from a day on, with the instrument that set it: reward money is
    a multiple of the one in force on the decision date (Decree 152/2025)."""

    valid_from = models.DateField("áp dụng từ ngày", unique=True)
    amount = models.DecimalField("mức lương cơ sở (đồng/tháng)", max_digits=12, decimal_places=0)
    source = models.CharField("căn cứ", max_length=300)

    class Meta:
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.amount} đồng từ {self.valid_from:%d/%m/%Y}"


class Decision(models.Model):
    """The decision that ends a dossier: drafted from it, then signed with a number unique per authority.
    Signing records every line's award; a signed decision never changes (awards are corrected or revoked
    one by one, with a reason)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="decision")
    authority_unit = models.ForeignKey(
        Unit, verbose_name="cơ quan ban hành", on_delete=models.PROTECT, related_name="+"
    )
    authority = models.CharField("cấp quyết định", max_length=200)
    number = models.CharField("số quyết định", max_length=60, blank=True)
    # The number as compared: case folded in Python (SQLite folds ASCII only, and "QĐ" is not ASCII).
    number_key = models.CharField(max_length=60, blank=True)
    signed_on = models.DateField("ngày ký", null=True, blank=True)
    signer_name = models.CharField("người ký", max_length=200, blank=True)
    signer_title = models.CharField("chức vụ người ký", max_length=200, blank=True)
    base_salary = models.DecimalField("mức lương cơ sở áp dụng", max_digits=12, decimal_places=0, null=True)
    total = models.DecimalField("tổng tiền thưởng (đồng)", max_digits=16, decimal_places=0, null=True)
    public = models.BooleanField("công bố công khai", default=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A signed decision changes only by a correction (đính chính) or a revocation (hủy bỏ), each with its
    # reason; both reach every award it recorded (`decisions.decision_correct`, `decision_revoke`).
    revoked_on = models.DateField("ngày hủy bỏ", null=True, blank=True)
    revoked_reason = models.TextField("lý do hủy bỏ", blank=True)
    version = models.PositiveIntegerField("phiên bản", default=1)

    class Meta:
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority_unit", "number"],
                condition=~Q(number=""),
                name="decision_number_per_authority",
            )
        ]

    def __str__(self) -> str:
        if self.number:
            return f"Quyết định số {self.number} ngày {self.signed_on:%d/%m/%Y}"
        return f"Dự thảo quyết định ({self.dossier})"


class FundEntryKind(models.TextChoices):
    ALLOCATION = "allocation", "Trích lập, cấp vào quỹ"
    PAYOUT = "payout", "Chi thưởng theo quyết định"
    OTHER_OUT = "other_out", "Chi khác"


class FundEntry(models.Model):
    """One movement of a unit's emulation and commendation fund (quỹ thi đua, khen thưởng) in a year.
    Never edited: a mistake is corrected by an entry the other way, with its reason."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị giữ quỹ", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    kind = models.CharField("loại", max_length=10, choices=FundEntryKind.choices)
    amount = models.DecimalField("số tiền (đồng)", max_digits=16, decimal_places=0)
    on = models.DateField("ngày")
    decision = models.ForeignKey(
        Decision, verbose_name="quyết định", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("nội dung", max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit", "year", "on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fund_entry_amount_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} đồng ngày {self.on:%d/%m/%Y}"


class PostingComment(models.Model):
    """A comment on a list posted for the public before the council (Decree 98/2023 Art. 46 cl. 2: in
    writing, with name and address), and the board's answer."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="comments")
    line = models.ForeignKey(
        DossierLine, verbose_name="về", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_name = models.CharField("họ tên người góp ý", max_length=200)
    author_address = models.CharField("địa chỉ", max_length=300)
    body = models.TextField("nội dung góp ý")
    received_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField("trả lời", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return f"Góp ý của {self.author_name}"


class CertificateForm(models.Model):
    """Where each item is printed on an official blank (phôi Bằng khen, Giấy khen), set by the board per
    catalogue code: a JSON layout of positioned fields in millimetres, checked by `certificates.layout_problems`."""

    title = models.CharField("danh hiệu, hình thức", max_length=20, unique=True)
    name = models.CharField("tên mẫu phôi", max_length=200)
    layout = models.JSONField("bố cục")
    version = models.PositiveIntegerField("phiên bản", default=1)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.name


class Certificate(models.Model):
    """A printed certificate of one award. Its public page (`/xac-thuc/<token>/`) confirms it, or says it was
    revoked; the token is random, so certificates cannot be enumerated."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="certificates")
    token = models.CharField(max_length=32, unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    form_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["decision", "id"]

    def __str__(self) -> str:
        return f"Giấy chứng nhận {self.token[:6]}…"


class PrintStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang in"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Lỗi"


class PrintJob(models.Model):
    """A decision's documents made in the background (`tdkt.dossiers.tasks`): the decision as .docx and
    PDF, and every certificate printed onto its blank; `done` of `total` steps so far, for the progress bar."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="print_jobs")
    status = models.CharField(
        "trạng thái", max_length=8, choices=PrintStatus.choices, default=PrintStatus.QUEUED
    )
    stage = models.CharField("đang làm", max_length=100, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    decision_docx = models.FileField(upload_to="decisions/%Y/", blank=True)
    decision_pdf = models.FileField(upload_to="decisions/%Y/", blank=True)
    certificates_pdf = models.FileField(upload_to="decisions/%Y/", blank=True)
    error = models.TextField("lỗi", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"In {self.decision} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.total == 0:
            return 100 if self.status == PrintStatus.DONE else 0
        return (100 * self.done) // self.total

    @property
    def finished(self) -> bool:
        return self.status in (PrintStatus.DONE, PrintStatus.FAILED)

"""Units with validity periods and lineage, and the accounts that act for them.

A `Unit` row is one unit as it stood during [valid_from, valid_to]. A structural change (merge, split,
rename, move to another parent) ends the old rows and starts new ones, linked by a `LineageEvent`.
History therefore follows the graph of predecessors, not a fixed province → district → commune tree:
see `tdkt.org.selectors.unit_predecessors`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from tdkt.core.vn import fold


class UnitKind(models.TextChoices):
    PROVINCE = "tinh", "Tỉnh"
    CENTRAL_CITY = "thanh_pho_tw", "Thành phố trực thuộc Trung ương"
    DISTRICT = "huyen", "Huyện"
    TOWN = "thi_xa", "Thị xã"
    CITY = "thanh_pho", "Thành phố thuộc tỉnh"
    COMMUNE = "xa", "Xã"
    WARD = "phuong", "Phường"
    TOWNSHIP = "thi_tran", "Thị trấn"
    SPECIAL_ZONE = "dac_khu", "Đặc khu"
    DEPARTMENT = "so_nganh", "Sở, ban, ngành"
    AGENCY = "co_quan", "Cơ quan, đơn vị khác"


class CycleKind(models.TextChoices):
    """How a unit's emulation cycles are counted. The values are those of `tdkt.awards.subjects`
    (CYCLE_CALENDAR, CYCLE_SCHOOL), which this app may not import."""

    CALENDAR = "calendar", "Năm dương lịch"
    SCHOOL = "school", "Năm học (01/09 – 31/08 năm sau)"


class Unit(models.Model):
    code = models.CharField("mã", max_length=40, unique=True)
    name = models.CharField("tên", max_length=200)
    kind = models.CharField("loại", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    note = models.TextField("ghi chú", blank=True)
    # How its people's (and its own) titles are counted: the education sector counts school years
    # (TT 29/2023/TT-BGDĐT); the army, police and militia give Chiến sĩ tiên tiến instead of Lao động tiên
    # tiến. A person's kind follows the unit they work in during the cycle (tdkt.awards.selectors).
    cycle_kind = models.CharField(
        "kỳ xét thi đua",
        max_length=10,
        choices=CycleKind.choices,
        default=CycleKind.CALENDAR,
        help_text="Năm học cho trường học, cơ sở giáo dục; năm dương lịch cho các đơn vị khác",
    )
    armed_forces = models.BooleanField(
        "thuộc lực lượng vũ trang",
        default=False,
        help_text="Quân đội, Công an, Dân quân tự vệ: xét Chiến sĩ tiên tiến thay cho Lao động tiên tiến",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def school_year(self) -> bool:
        return self.cycle_kind == CycleKind.SCHOOL

    def valid_in_year(self, year: int) -> bool:
        return (self.valid_from is None or self.valid_from.year <= year) and (
            self.valid_to is None or self.valid_to.year >= year
        )


class LineageKind(models.TextChoices):
    MERGE = "merge", "Hợp nhất, sáp nhập"
    SPLIT = "split", "Chia tách"
    RENAME = "rename", "Đổi tên"
    MOVE = "move", "Chuyển cấp trên"


class LineageEvent(models.Model):
    kind = models.CharField("loại", max_length=10, choices=LineageKind.choices)
    effective_date = models.DateField("ngày hiệu lực")
    legal_basis = models.CharField("căn cứ", max_length=300, blank=True)
    note = models.TextField("ghi chú", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_date", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_date:%d/%m/%Y}"


class LineageLink(models.Model):
    event = models.ForeignKey(LineageEvent, on_delete=models.PROTECT, related_name="links")
    predecessor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successor_links")
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="predecessor_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "predecessor", "successor"], name="lineage_link_unique"),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="lineage_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Role(models.TextChoices):
    BOARD = "board", "Ban Thi đua – Khen thưởng tỉnh"
    UNIT = "unit", "Cán bộ đơn vị"


class Account(models.Model):
    """What a login may act for. The cluster head's staff are the staff of the unit that is head of a
    cluster in a year: that power is derived from `clusters.ClusterRole`, never stored here."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account")
    role = models.CharField("vai trò", max_length=10, choices=Role.choices)
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", null=True, blank=True, on_delete=models.PROTECT)
    position = models.CharField("chức vụ", max_length=120, blank=True)
    # Set when someone other than its holder chose the password (an account the board created, a password
    # the board reset): the holder must choose their own before anything else (tdkt.web.middleware).
    must_change_password = models.BooleanField("phải đổi mật khẩu", default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(role="board") | Q(unit__isnull=False), name="account_unit_staff_has_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()})"


class Gender(models.TextChoices):
    MALE = "nam", "Nam"
    FEMALE = "nu", "Nữ"


class Person(models.Model):
    """An official, civil servant, public employee or worker whose titles and commendations are recorded.

    Personal data: who may see a person is decided in `tdkt.awards.selectors.person_visible` (the board,
    and the staff of a unit the person works or worked in), never by the templates.
    """

    code = models.CharField(
        "mã cán bộ", max_length=40, blank=True, help_text="Mã cán bộ, công chức (không bắt buộc)"
    )
    full_name = models.CharField("họ và tên", max_length=200)
    gender = models.CharField("giới tính", max_length=3, choices=Gender.choices)
    date_of_birth = models.DateField("ngày sinh", null=True, blank=True)
    recruited_on = models.DateField("ngày tuyển dụng", null=True, blank=True)
    note = models.TextField("ghi chú", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # the name and code folded (lower case, no diacritics: `truong thi ngan demo-ca-01`), written by `save`,
    # so that people are found by name typed without accents (`tdkt.awards.selectors.people_search`)
    search_key = models.CharField("khóa tìm kiếm", max_length=250, blank=True, editable=False)

    class Meta:
        ordering = ["full_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="person_code_unique"),
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=True)
                | Q(recruited_on__isnull=True)
                | Q(recruited_on__gt=models.F("date_of_birth")),
                name="person_recruited_after_birth",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = person_search_key(self.full_name, self.code)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"full_name", "code"} & set(update_fields)):
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)

    @property
    def female(self) -> bool:
        return self.gender == Gender.FEMALE


def person_search_key(full_name: str, code: str) -> str:
    return fold(f"{full_name} {code}")[:250]


class Employment(models.Model):
    """A person's work in one unit over [start, end] (end empty: still there). Moving to another unit, or the
    unit being merged, ends this row and starts another; a person's unit in any cycle is read from here."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="employments")
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="employments"
    )
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày", null=True, blank=True)
    position = models.CharField("chức vụ", max_length=200, blank=True)

    class Meta:
        ordering = ["person", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="employment_ordered"
            ),
        ]
        indexes = [models.Index(fields=["unit", "start"], name="employment_unit_start")]

    def __str__(self) -> str:
        return (
            f"{self.person} – {self.unit} ({self.start:%d/%m/%Y}–{self.end:%d/%m/%Y})"
            if self.end
            else (f"{self.person} – {self.unit} (từ {self.start:%d/%m/%Y})")
        )

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class ImportKind(models.TextChoices):
    UNITS = "units", "Danh sách đơn vị"
    STAFF = "staff", "Danh sách cán bộ của đơn vị"
    PROVINCE_STAFF = "staff_all", "Danh sách cán bộ toàn tỉnh"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang nhập"
    DONE = "done", "Đã nhập xong"
    REFUSED = "refused", "Tệp có lỗi, chưa ghi dòng nào"
    FAILED = "failed", "Lỗi hệ thống, chưa ghi dòng nào"


class ImportPhase(models.TextChoices):
    READ = "read", "Đọc tệp"
    VALIDATE = "validate", "Kiểm tra từng dòng"
    WRITE = "write", "Ghi vào cơ sở dữ liệu"


class ImportJob(models.Model):
    """A large Excel import (a unit list, a unit's or the province's staff list) run as a background task
    (`tdkt.org.tasks`), all rows or none as inline. The upload is kept only until the run ends; the page
    polls `phase`, `done` of `total` rows checked, and shows the problems (row, column, message) or the
    counts written."""

    kind = models.CharField("loại", max_length=10, choices=ImportKind.choices)
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField("tên tệp", max_length=255)
    size = models.PositiveIntegerField("kích thước", default=0)
    data = models.BinaryField("nội dung tệp", editable=False, default=b"")
    status = models.CharField(
        "trạng thái", max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    phase = models.CharField("bước", max_length=8, choices=ImportPhase.choices, blank=True)
    total = models.PositiveIntegerField("số dòng", default=0)
    done = models.PositiveIntegerField("đã kiểm tra", default=0)
    problems = models.JSONField("lỗi", default=list)  # [{message, row, column}]
    result = models.JSONField("kết quả", default=dict)
    error = models.TextField("lỗi hệ thống", blank=True)
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
        return f"{self.get_kind_display()} – {self.filename} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        """Rows checked, in percent; the write is one transaction, shown as a step without a number."""
        if self.status == ImportStatus.DONE:
            return 100
        if self.phase == ImportPhase.WRITE:
            return 100
        return (100 * self.done) // self.total if self.total else 0

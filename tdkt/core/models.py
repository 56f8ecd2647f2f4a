"""Domain-free models: the audit trail every service writes to."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One change to stored data: who, when, what, and the values before and after.

    Rows are only ever inserted (see `tdkt.core.audit.audit_record`); nothing updates or deletes them.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    summary = models.TextField(blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.object_type}#{self.object_id}"


class DayOffKind(models.TextChoices):
    HOLIDAY = "holiday", "Ngày nghỉ lễ, Tết"
    IN_LIEU = "in_lieu", "Nghỉ bù"
    SWAP_OFF = "swap_off", "Hoán đổi: nghỉ"
    SWAP_WORKED = "swap_work", "Hoán đổi: đi làm (thứ Bảy, Chủ nhật)"


class DayOff(models.Model):
    """A day that breaks the Monday-to-Friday week, with its source: the working-days calendar of every
    deadline (`tdkt.core.workdays`) is read from these rows, kept by the board."""

    day = models.DateField("ngày", unique=True)
    kind = models.CharField("loại", max_length=10, choices=DayOffKind.choices)
    name = models.CharField("tên", max_length=200)
    source = models.CharField("căn cứ", max_length=300)

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.name}"

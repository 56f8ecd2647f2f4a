"""Emulation clusters (cụm: localities) and blocks (khối: agencies), per-year membership and roles."""

from __future__ import annotations

from django.db import models

from tdkt.org.models import Unit


class ClusterKind(models.TextChoices):
    CLUSTER = "cum", "Cụm thi đua"
    BLOCK = "khoi", "Khối thi đua"


class RotationPolicy(models.TextChoices):
    DEPUTY_BECOMES_HEAD = "deputy_next", "Phó Trưởng cụm năm trước làm Trưởng cụm năm sau"
    ELECTED = "elected", "Trưởng cụm do hội nghị tổng kết bầu, ghi nhận vào năm sau"
    APPOINTED = "appointed", "Trưởng cụm do cấp trên chỉ định"


class Cluster(models.Model):
    code = models.CharField("mã", max_length=40, unique=True)
    name = models.CharField("tên", max_length=200)
    kind = models.CharField("loại", max_length=5, choices=ClusterKind.choices, default=ClusterKind.CLUSTER)
    organiser = models.ForeignKey(
        Unit, verbose_name="cơ quan tổ chức", on_delete=models.PROTECT, related_name="organised_clusters"
    )
    rotation_policy = models.CharField(
        "cách luân phiên", max_length=12, choices=RotationPolicy.choices, default=RotationPolicy.ELECTED
    )
    description = models.TextField("mô tả", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClusterYear(models.Model):
    """A cluster in one year: its members, head and deputy, indicators, targets, covenant and results."""

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="years")
    year = models.PositiveSmallIntegerField("năm")
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        ordering = ["cluster__name", "-year"]
        constraints = [models.UniqueConstraint(fields=["cluster", "year"], name="cluster_year_unique")]

    def __str__(self) -> str:
        return f"{self.cluster} – năm {self.year}"


class ClusterMember(models.Model):
    cluster_year = models.ForeignKey(ClusterYear, on_delete=models.PROTECT, related_name="members")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cluster_memberships")
    position = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["position", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["cluster_year", "unit"], name="cluster_member_unique")]

    def __str__(self) -> str:
        return f"{self.unit} ∈ {self.cluster_year}"


class ClusterRoleKind(models.TextChoices):
    HEAD = "head", "Trưởng cụm"
    DEPUTY = "deputy", "Phó Trưởng cụm"


class RoleBasis(models.TextChoices):
    ROTATION = "rotation", "Luân phiên theo quy chế"
    ELECTED = "elected", "Bầu tại hội nghị"
    APPOINTED = "appointed", "Chỉ định"


class ClusterRole(models.Model):
    cluster_year = models.ForeignKey(ClusterYear, on_delete=models.PROTECT, related_name="roles")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cluster_roles")
    role = models.CharField("vai trò", max_length=6, choices=ClusterRoleKind.choices)
    basis = models.CharField("căn cứ", max_length=10, choices=RoleBasis.choices)
    decided_on = models.DateField("ngày quyết định", null=True, blank=True)
    reference = models.CharField("văn bản, hội nghị", max_length=300, blank=True)

    class Meta:
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(fields=["cluster_year", "role"], name="cluster_role_one_per_year"),
            models.UniqueConstraint(fields=["cluster_year", "unit"], name="cluster_role_one_role_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.cluster_year}: {self.unit}"

"""The shape of a lower unit's proposal list as a workbook (danh sách đề nghị), read into a dossier. Pure:
the sheet's columns and the cell rules; the workbook plumbing is the award imports' (`awards.xlsx_rules`)."""

from __future__ import annotations

from tdkt.awards.xlsx_rules import Column, Shape

LINES = Shape(
    key="de_nghi",
    label="danh sách đề nghị khen thưởng",
    sheet="Danh sách đề nghị",
    template_kind="tdkt-danh-sach-de-nghi",
    filename="mau-danh-sach-de-nghi.xlsx",
    columns=(
        Column("stt", "STT", 6, hint="Số thứ tự (không bắt buộc)"),
        Column("person_code", "Mã cán bộ", 14, hint="Không bắt buộc; có mã thì tìm theo mã"),
        Column("full_name", "Họ và tên", 28, hint="Cá nhân; để trống nếu đề nghị tập thể"),
        Column("unit_code", "Mã đơn vị", 14, hint="Tập thể được đề nghị; để trống nếu là cá nhân"),
        Column("title", "Hình thức đề nghị", 30, required=True, hint="Mã hoặc tên danh hiệu, hình thức"),
        Column("note", "Thành tích tóm tắt", 50),
    ),
)
NOTE_MAX = 2000

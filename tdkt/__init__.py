"""TĐKT: emulation and commendation management (Hệ thống quản lý Thi đua – Khen thưởng)."""

__version__ = "0.1.0"

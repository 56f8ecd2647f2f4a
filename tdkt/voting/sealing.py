"""The ballot box's seals, as pure functions: one-time codes and their keyed hashes, the canonical order of
a closed box and its digests, the chain of confirmed paper entries.

A closed box is a *set*: its ballots are listed in one canonical order (sorted by content) whatever the
order they were cast in, and its digest is the SHA-256 of that list. The receipts are another set, with a
digest of their own, and nothing pairs a receipt with a ballot. So the published box and its hashes say
what was cast and how many receipts were given, never in which order, and a receipt shown to someone
proves that a ballot was counted without telling which one. See docs/decisions/0006-ballot-secrecy.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

GENESIS = "0" * 64
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on phones
CODE_LENGTH = 10
RECEIPT_LENGTH = 20


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_receipt() -> str:
    return new_code(RECEIPT_LENGTH)


def normalize_code(code: str) -> str:
    """What a person typed, as stored: upper case, letters and digits only (spaces and dashes dropped)."""
    return "".join(ch for ch in code.upper() if ch.isascii() and ch.isalnum())


def code_hash(secret_key: str, salt: str, code: str) -> str:
    """HMAC-SHA-256 of a normalised code under a key of this ballot: the server's secret key with the
    ballot's own salt. Someone who reads the database without the server's key cannot test guesses, and the
    same code in two ballots hashes differently."""
    key = hashlib.sha256(f"tdkt-ballot-code:{salt}:{secret_key}".encode()).digest()
    return hmac.new(key, normalize_code(code).encode("ascii"), hashlib.sha256).hexdigest()


def receipt_hash(receipt: str) -> str:
    return digest(normalize_code(receipt))


def clean_name(name: str) -> str:
    """A candidate's name as compared: Unicode NFC, inner spaces collapsed, trimmed."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def canonical_ballot(marks: Iterable[str], against: Iterable[str]) -> list[list[str]]:
    return [sorted(marks), sorted(against)]


def box_order(ballots: Iterable[tuple[Sequence[str], Sequence[str]]]) -> list[list[list[str]]]:
    """The box in its canonical order: each ballot as [sorted marks, sorted against], the list sorted by
    its canonical JSON. Equal ballots are indistinguishable, so the order is fully determined by content."""
    return sorted((canonical_ballot(m, a) for m, a in ballots), key=canonical)


def box_digest(ballots: Iterable[tuple[Sequence[str], Sequence[str]]]) -> str:
    return digest(canonical(box_order(ballots)))


def receipts_digest(receipt_hashes: Iterable[str]) -> str:
    return digest(canonical(sorted(receipt_hashes)))


def paper_entry_hash(previous_hash: str, number: int, kind: str, content: dict[str, Any]) -> str:
    """The chain link of one confirmed paper entry (entries are the counting board's, not voters')."""
    return digest(canonical([previous_hash, number, kind, content]))

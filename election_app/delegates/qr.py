"""The identity QR printed on a delegate card (for check-in at the door). Versioned
payload, signed with the app's secret so a hand-made code is refused:
``DHCD1:<congress id>:<card number>:<signature>``. It grants nothing but being found on
the roll; the voting link is a separate credential (voting feature)."""
from __future__ import annotations

import hashlib
import hmac

import segno

PREFIX = "DHCD1"


def _sig(secret: str, cid: int, code: str) -> str:
    return hmac.new(secret.encode(), f"checkin:{cid}:{code}".encode(), hashlib.sha256).hexdigest()[:12]


def checkin_payload(secret: str, cid: int, code: str) -> str:
    return f"{PREFIX}:{cid}:{code}:{_sig(secret, cid, code)}"


def parse_checkin_payload(secret: str, payload: str) -> tuple[int, str] | None:
    """(congress id, card number) for a genuine payload; None for anything else."""
    parts = (payload or "").strip().split(":")
    if len(parts) != 4 or parts[0] != PREFIX or not parts[1].isdigit():
        return None
    cid, code, sig = int(parts[1]), parts[2], parts[3]
    if not hmac.compare_digest(sig, _sig(secret, cid, code)):
        return None
    return cid, code


def qr_svg(data: str, scale: int = 4, border: int = 2) -> str:
    """An inline SVG (no file, no network): used by pages and PDF templates."""
    return segno.make(data, error="m").svg_inline(scale=scale, border=border)


def qr_data_uri(data: str, scale: int = 4, border: int = 2) -> str:
    return segno.make(data, error="m").svg_data_uri(scale=scale, border=border)

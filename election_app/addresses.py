"""Is a printed address reachable from the hall? (issue 12, 12)

A QR code or a seal URL is printed with the public address (``PUBLIC_BASE_URL``, else the
address the request came in on). When that is the laptop's loopback ("127.0.0.1",
"localhost", "::1"), an unspecified or a link-local address, no phone in the hall can open
it: printed cards and minutes are then useless. ``unreachable_reason(url)`` says why in
Vietnamese, or returns "" for an address phones can reach (pure); ``public_base_url()`` reads
the configuration and the request."""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def unreachable_reason(url: str) -> str:
    host = (urlsplit(url or "").hostname or "").strip("[]").lower()
    if not host:
        return "chưa có địa chỉ công khai"
    if host == "localhost" or host.endswith(".localhost"):
        return f"«{host}» là địa chỉ nội bộ của chính máy chủ"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return ""
    if ip.is_loopback:
        return f"«{host}» là địa chỉ nội bộ của chính máy chủ"
    if ip.is_unspecified:
        return f"«{host}» không phải một địa chỉ có thể mở được"
    if ip.is_link_local:
        return f"«{host}» là địa chỉ tự cấp (link-local), điện thoại trong hội trường thường không mở được"
    return ""


def address_warning(url: str) -> str:
    """The warning shown where such an address would be printed ("" when fine)."""
    reason = unreachable_reason(url)
    if not reason:
        return ""
    return (f"Địa chỉ in trong mã QR và dòng niêm phong là {url or '(trống)'}: {reason}, điện thoại "
            "của đại biểu trong hội trường không mở được. Hãy chạy máy chủ với PUBLIC_BASE_URL là địa chỉ "
            "mạng của máy này (ví dụ http://192.168.1.10:5000) rồi in lại.")


def public_base_url() -> str:
    """The address printed in QR codes and links: PUBLIC_BASE_URL, else the address this
    request came in on (which ``unreachable_reason`` may find useless in the hall)."""
    from flask import current_app, request
    return current_app.config.get("PUBLIC_BASE_URL") or request.host_url.rstrip("/")

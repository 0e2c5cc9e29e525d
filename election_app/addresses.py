"""Which address do printed QR codes and links for phones carry? (issue 12 §12, issue 13 §1)

A QR code, a voting link, the hall display's link or a seal URL is printed with the public
address: ``PUBLIC_BASE_URL`` when set; else the address the request came in on when phones
can open it; else, when the organizer browses the laptop itself (127.0.0.1, localhost), one
of the laptop's own LAN addresses, found offline (the interfaces as ``ip -j addr`` lists
them, and the address the kernel would route a private network through — a UDP "connect"
sends nothing), private RFC 1918 addresses first, virtual bridges (docker, libvirt…) last,
and only one that this server really answers on (a TCP connect to itself, kept 15 s).

``unreachable_reason(url)`` says in Vietnamese why phones in the hall cannot open an
address ("" when they can; pure). ``public_address()`` gives the address with its reason;
``public_base_url()`` only the URL. Voting QRs are refused by their pages when the reason
is not empty; other pages show ``address_warning``."""
from __future__ import annotations

import dataclasses
import ipaddress
import json
import socket
import subprocess
import threading
import time
from urllib.parse import urlsplit

# Interfaces that are never the hall's network: container and VM bridges, tunnels.
VIRTUAL_PREFIXES = ("docker", "br-", "veth", "virbr", "vboxnet", "vmnet", "lxc", "lxd", "cni", "flannel",
                    "podman", "tun", "tap", "wg", "zt", "tailscale")
CACHE_SECONDS = 15.0


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


def address_warning(url: str, reason: str | None = None) -> str:
    """The warning shown where such an address would be printed ("" when fine)."""
    reason = unreachable_reason(url) if reason is None else reason
    if not reason:
        return ""
    return (f"Địa chỉ in trong mã QR và dòng niêm phong là {url or '(trống)'}: {reason}, điện thoại "
            "của đại biểu trong hội trường không mở được. Hãy nối máy này vào mạng Wi-Fi của hội trường và "
            "chạy máy chủ với HOST=0.0.0.0 (hoặc đặt PUBLIC_BASE_URL là địa chỉ mạng của máy này, ví dụ "
            "http://192.168.1.10:5000) rồi in lại.")


# --- the laptop's own addresses (offline) ------------------------------------------------

def _usable(addr: str) -> bool:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return (ip.version == 4 and not (ip.is_loopback or ip.is_link_local or ip.is_unspecified
                                     or ip.is_multicast or ip.is_reserved))


def parse_ip_json(text: str) -> list[tuple[str, str]]:
    """(interface, IPv4 address) of the interfaces that are up, from ``ip -j addr``."""
    out = []
    for link in json.loads(text or "[]"):
        flags = link.get("flags") or []
        if "LOOPBACK" in flags or "UP" not in flags:
            continue
        for a in link.get("addr_info") or []:
            if a.get("family") == "inet" and _usable(a.get("local", "")):
                out.append((link.get("ifname", ""), a["local"]))
    return out


def rank_addresses(found: list[tuple[str, str]], routed: list[str]) -> list[str]:
    """Best first: the address the kernel routes private networks through, then private
    (RFC 1918) addresses of real interfaces, then other addresses of real interfaces, then
    those of virtual bridges."""
    def key(item):
        name, addr = item
        virtual = name.startswith(VIRTUAL_PREFIXES)
        return (virtual, addr not in routed, not ipaddress.ip_address(addr).is_private)
    seen, out = set(), []
    everything = found + [("", a) for a in routed if a not in {x for _, x in found}]
    for _, addr in sorted(everything, key=key):
        if addr not in seen:
            seen.add(addr)
            out.append(addr)
    return out


def _interfaces() -> list[tuple[str, str]]:
    try:
        done = subprocess.run(["ip", "-j", "addr", "show"], capture_output=True, text=True, timeout=2,
                              check=False)
        return parse_ip_json(done.stdout) if done.returncode == 0 else []
    except (OSError, ValueError, subprocess.SubprocessError):
        return []


def _routed() -> list[str]:
    """The source address the kernel picks towards each private network. A UDP socket's
    connect only looks up the route: no packet is sent, no Internet needed."""
    out = []
    for probe in ("10.255.255.255", "172.31.255.255", "192.168.255.255"):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.connect((probe, 9))
            addr = s.getsockname()[0]
            if _usable(addr) and addr not in out:
                out.append(addr)
        except OSError:
            pass
        finally:
            s.close()
    return out


def _by_hostname() -> list[str]:
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return [i[4][0] for i in infos if _usable(i[4][0])]


_cache: dict = {}
_lock = threading.Lock()


def _cached(key, compute):
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
        if hit and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    value = compute()
    with _lock:
        _cache[key] = (now, value)
    return value


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other phones could reach, best first (offline)."""
    def compute():
        found = _interfaces()
        routed = _routed()
        if not found and not routed:
            found = [("", a) for a in _by_hostname()]
        return rank_addresses(found, routed)
    return _cached("lan", compute)


def serves(host: str, port: int) -> bool:
    """Does this server answer on host:port? (a TCP connect to itself; kept 15 s)"""
    def compute():
        try:
            with socket.create_connection((host, port), timeout=0.3):
                return True
        except OSError:
            return False
    return _cached(("serves", host, port), compute)


# --- the address printed for phones -----------------------------------------------------

@dataclasses.dataclass(frozen=True)
class PublicAddress:
    url: str          # what QR codes and links carry
    source: str       # "config" (PUBLIC_BASE_URL), "request", "detected" (a LAN address) or "none"
    reason: str       # why phones in the hall cannot open it ("" when they can)

    @property
    def reachable(self) -> bool:
        return not self.reason

    @property
    def warning(self) -> str:
        return address_warning(self.url, self.reason)


def resolve(configured: str, request_url: str) -> PublicAddress:
    """The public address from PUBLIC_BASE_URL and the address a request came in on."""
    if configured:
        return PublicAddress(configured.rstrip("/"), "config", unreachable_reason(configured))
    request_url = request_url.rstrip("/")
    if not unreachable_reason(request_url):
        return PublicAddress(request_url, "request", "")
    parts = urlsplit(request_url)
    scheme = parts.scheme or "http"
    default = 443 if scheme == "https" else 80
    port = parts.port or default
    found = lan_addresses()
    for addr in found:
        if serves(addr, port):
            return PublicAddress(f"{scheme}://{addr}" + ("" if port == default else f":{port}"), "detected", "")
    if not found:
        reason = "máy này chưa có địa chỉ mạng nội bộ nào (chưa nối vào Wi-Fi hay mạng của hội trường)"
    else:
        reason = (f"máy chủ chỉ nhận kết nối từ chính máy này, không nhận qua địa chỉ mạng {found[0]}:{port} "
                  "của máy")
    return PublicAddress(request_url, "none", reason)


def public_address() -> PublicAddress:
    from flask import current_app, request
    return resolve(current_app.config.get("PUBLIC_BASE_URL") or "", request.host_url)


def public_base_url() -> str:
    """The address printed in QR codes and links for phones (see ``public_address``)."""
    return public_address().url

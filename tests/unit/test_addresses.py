"""Finding the laptop's LAN addresses offline (issue 13 §1)."""
from __future__ import annotations

import ipaddress
import json

from election_app import addresses

IP_JSON = json.dumps([
    {"ifname": "lo", "flags": ["LOOPBACK", "UP"], "addr_info": [{"family": "inet", "local": "127.0.0.1"}]},
    {"ifname": "docker0", "flags": ["BROADCAST", "UP"], "addr_info": [{"family": "inet", "local": "172.17.0.1"}]},
    {"ifname": "eth1", "flags": ["BROADCAST"], "addr_info": [{"family": "inet", "local": "192.168.5.5"}]},
    {"ifname": "wlp2s0", "flags": ["BROADCAST", "UP", "LOWER_UP"],
     "addr_info": [{"family": "inet", "local": "169.254.7.7"}, {"family": "inet6", "local": "fe80::1"},
                   {"family": "inet", "local": "100.70.1.2"}, {"family": "inet", "local": "192.168.1.23"}]},
])


def test_interfaces_up_and_usable_only():
    assert addresses.parse_ip_json(IP_JSON) == [("docker0", "172.17.0.1"), ("wlp2s0", "100.70.1.2"),
                                                ("wlp2s0", "192.168.1.23")]


def test_private_addresses_of_real_interfaces_first():
    found = addresses.parse_ip_json(IP_JSON)
    assert addresses.rank_addresses(found, []) == ["192.168.1.23", "100.70.1.2", "172.17.0.1"]
    # the one the kernel routes private networks through comes first
    assert addresses.rank_addresses(found, ["100.70.1.2"])[0] == "100.70.1.2"


def test_resolve():
    r = addresses.resolve("http://192.168.1.10:5000/", "http://127.0.0.1:5000/")
    assert (r.url, r.source, r.reachable) == ("http://192.168.1.10:5000", "config", True)
    r = addresses.resolve("", "http://192.168.1.50:5000/")
    assert (r.url, r.source, r.reachable) == ("http://192.168.1.50:5000", "request", True)


def test_detection_works_offline_and_never_returns_loopback():
    """The real machine: whatever it has, nothing loopback or link-local, no network needed
    (the UDP connect only looks up a route)."""
    for found in (addresses._interfaces(), [("", a) for a in addresses._routed()]):
        for _, addr in found:
            ip = ipaddress.ip_address(addr)
            assert not (ip.is_loopback or ip.is_link_local) and ip.version == 4

"""Reachable addresses by default (issue 13 §1, issue 12 §12): with PUBLIC_BASE_URL unset and
the organizer browsing the laptop itself (127.0.0.1), QR codes and links for phones carry a
LAN address of the laptop that the server answers on; when there is none, voting QRs (slips,
link cards) are refused with nothing made, and the dashboard says so."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from election_app import addresses
from election_app.delegates.models import Delegate
from election_app.voting.models import VotingSlip
from test_voting_support import fresh, open_election
from tests.conftest import csrf_from, make_user

LOOPBACK = "http://127.0.0.1:5000"


@pytest.fixture
def unset(app):
    app.config["PUBLIC_BASE_URL"] = None


@pytest.fixture
def lan(monkeypatch):
    """The laptop is on the hall's Wi-Fi as 192.168.1.23 and the server answers there."""
    monkeypatch.setattr(addresses, "lan_addresses", lambda: ["192.168.1.23", "172.17.0.1"])
    monkeypatch.setattr(addresses, "serves", lambda host, port: host == "192.168.1.23" and port == 5000)


@pytest.fixture
def login(client):
    """Logged in on the laptop itself (the session cookie belongs to that host)."""
    def do(role):
        user = make_user(role)
        token = csrf_from(client.get("/login", base_url=LOOPBACK).get_data(as_text=True))
        resp = client.post("/login", data={"username": user.username, "password": "matkhau123",
                                           "csrf_token": token}, base_url=LOOPBACK)
        assert resp.status_code == 302
        return user
    return do


def _hashes(session, cid):
    return {d.id: d.voting_token_hash for d in fresh(session).scalars(select(Delegate).filter_by(congress_id=cid))}


def test_slips_refused_on_loopback_with_nothing_made(unset, client, login, session, congress, roll):
    election, _ = open_election(session, congress, roll)
    login("board")
    base = f"/congresses/{congress.id}/elections/{election.id}"
    html = client.get(f"{base}/slips", base_url=LOOPBACK).get_data(as_text=True)
    assert 'data-testid="address-warning"' in html and "127.0.0.1" in html
    resp = client.post(f"{base}/slips", data={"csrf_token": csrf_from(html), "count": "4", "output": "html"},
                       base_url=LOOPBACK, follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "Không tạo mã QR bỏ phiếu với địa chỉ http://127.0.0.1:5000" in page
    assert "/s/" not in page and 'class="slip"' not in page
    assert fresh(session).scalar(select(func.count()).select_from(VotingSlip)) == 0


def test_link_cards_refused_on_loopback_with_nothing_issued(unset, client, login, session, congress, roll):
    open_election(session, congress, roll)
    login("organizer")
    before = _hashes(session, congress.id)
    html = client.get(f"/congresses/{congress.id}/voting-links", base_url=LOOPBACK).get_data(as_text=True)
    assert 'data-testid="address-warning"' in html
    for path, data in ((f"/congresses/{congress.id}/voting-links", {"mode": "all"}),
                       (f"/congresses/{congress.id}/delegates/{roll[0].id}/voting-link", {})):
        resp = client.post(path, data={"csrf_token": csrf_from(html), **data}, base_url=LOOPBACK,
                           follow_redirects=True)
        page = resp.get_data(as_text=True)
        assert "Không tạo mã QR bỏ phiếu" in page and "Chưa cấp liên kết hay phiếu nào" in page, path
        assert "/v/" not in page
    assert _hashes(session, congress.id) == before


def test_detected_lan_address_is_used_when_browsing_via_loopback(unset, lan, client, login, session, congress,
                                                                  roll):
    election, _ = open_election(session, congress, roll)
    login("admin")
    base = f"/congresses/{congress.id}/elections/{election.id}"
    html = client.get(f"{base}/slips", base_url=LOOPBACK).get_data(as_text=True)
    assert 'data-testid="address-warning"' not in html
    resp = client.post(f"{base}/slips", data={"csrf_token": csrf_from(html), "count": "2", "output": "html"},
                       base_url=LOOPBACK)
    urls = re.findall(r'<p class="url">([^<]+)</p>', resp.get_data(as_text=True))
    assert len(urls) == 2 and all(u.startswith("http://192.168.1.23:5000/s/") for u in urls), urls
    html = client.get(f"/congresses/{congress.id}/voting-links", base_url=LOOPBACK).get_data(as_text=True)
    resp = client.post(f"/congresses/{congress.id}/delegates/{roll[0].id}/voting-link",
                       data={"csrf_token": csrf_from(html)}, base_url=LOOPBACK)
    urls = re.findall(r'<p class="small-url">([^<]+)</p>', resp.get_data(as_text=True))
    assert len(urls) == 1 and urls[0].startswith("http://192.168.1.23:5000/v/"), urls
    # the hall display's link and the door's address
    page = client.get(f"/congresses/{congress.id}/display", base_url=LOOPBACK).get_data(as_text=True)
    client.post(f"/congresses/{congress.id}/display/issue", data={"csrf_token": csrf_from(page)}, base_url=LOOPBACK)
    page = client.get(f"/congresses/{congress.id}/display", base_url=LOOPBACK).get_data(as_text=True)
    assert re.search(r'id="display-url">http://192\.168\.1\.23:5000/display/', page), page
    door = client.get(f"/congresses/{congress.id}/checkin", base_url=LOOPBACK).get_data(as_text=True)
    assert f"http://192.168.1.23:5000/congresses/{congress.id}/checkin" in door
    # the seal QR on the count minutes: the documents page warns of nothing
    docs = client.get(f"/congresses/{congress.id}/documents", base_url=LOOPBACK).get_data(as_text=True)
    assert "127.0.0.1" not in docs and "PUBLIC_BASE_URL" not in docs


def test_dashboard_warns_only_when_no_address_is_reachable(unset, client, login, congress, monkeypatch):
    login("organizer")
    page = client.get(f"/congresses/{congress.id}", base_url=LOOPBACK).get_data(as_text=True)
    assert 'data-testid="address-warning"' in page
    assert "Mã QR và liên kết cho điện thoại chưa dùng được" in page and "chưa có địa chỉ mạng nội bộ" in page
    # a LAN address the server does not answer on (HOST=127.0.0.1): still warned, saying why
    monkeypatch.setattr(addresses, "lan_addresses", lambda: ["192.168.1.23"])
    page = client.get(f"/congresses/{congress.id}", base_url=LOOPBACK).get_data(as_text=True)
    assert "chỉ nhận kết nối từ chính máy này" in page and "HOST=0.0.0.0" in page
    # served there: no warning, the address is said
    monkeypatch.setattr(addresses, "serves", lambda host, port: True)
    page = client.get(f"/congresses/{congress.id}", base_url=LOOPBACK).get_data(as_text=True)
    assert 'data-testid="address-warning"' not in page
    assert 'data-testid="address-ok"' in page and "http://192.168.1.23:5000" in page
    # browsing from another machine of the hall: that address, no warning
    monkeypatch.setattr(addresses, "lan_addresses", lambda: [])
    assert addresses.resolve("", "http://192.168.1.50:5000/").url == "http://192.168.1.50:5000"


def test_public_base_url_wins_and_a_loopback_one_is_warned(app, client, login, congress, lan):
    login("organizer")
    app.config["PUBLIC_BASE_URL"] = "http://daihoi.lan:8000"
    page = client.get(f"/congresses/{congress.id}", base_url=LOOPBACK).get_data(as_text=True)
    assert "http://daihoi.lan:8000" in page and "192.168.1.23" not in page
    app.config["PUBLIC_BASE_URL"] = "http://localhost:5000"
    page = client.get(f"/congresses/{congress.id}", base_url=LOOPBACK).get_data(as_text=True)
    assert 'data-testid="address-warning"' in page and "localhost" in page

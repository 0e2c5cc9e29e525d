"""Asset serving for a weak hall Wi-Fi (issue 14): versioned static URLs cached for a year,
gzip, a real /favicon.ico, and the ballot page in one round trip (its CSS and JS inlined,
the script allowed by its hash in the CSP, nothing else)."""
from __future__ import annotations

import base64
import gzip
import hashlib
import re

from test_voting_support import link_for, open_election


def test_static_urls_are_versioned_and_cached_for_a_year(client):
    html = client.get("/login").get_data(as_text=True)
    url = re.search(r'href="(/static/css/app\.css\?v=([0-9a-f]{12}))"', html)
    assert url, "the stylesheet's URL carries its content hash"
    body = client.get("/static/css/app.css").data
    assert url.group(2) == hashlib.sha256(body).hexdigest()[:12]
    resp = client.get(url.group(1))
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Cookie" not in resp.headers.get("Vary", "")
    # without the hash, or with an old one: revalidate every time
    for stale in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        assert client.get(stale).headers["Cache-Control"] == "no-cache"
    # a path out of static/ is a 404, not a file
    assert client.get("/static/../election_app/config.py").status_code == 404
    assert client.get("/static/css/nope.css?v=1").status_code == 404


def test_text_is_gzipped_when_the_browser_accepts_it(client):
    plain = client.get("/login")
    packed = client.get("/login", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.data) < 0.6 * len(plain.data)
    # the page is the same once unpacked, but for the CSRF token signed at each render
    strip = lambda b: re.sub(rb'value="[^"]{40,}"', b'', b)  # noqa: E731
    assert strip(gzip.decompress(packed.data)) == strip(plain.data)
    css = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(css.data) == client.get("/static/css/app.css").data
    assert int(css.headers["Content-Length"]) == len(css.data)
    # the weak validator of the packed file still answers 304
    again = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip", "If-None-Match": css.headers["ETag"]})
    assert again.status_code == 304
    # an icon that is already compressed (PNG inside) is left alone
    assert "Content-Encoding" not in client.get("/favicon.ico", headers={"Accept-Encoding": "gzip"}).headers


def test_favicon_is_a_real_icon(client):
    resp = client.get("/favicon.ico")
    assert resp.status_code == 200
    assert resp.mimetype == "image/x-icon"
    assert resp.data[:4] == b"\x00\x00\x01\x00" and len(resp.data) > 200
    assert "max-age=604800" in resp.headers["Cache-Control"]
    assert "Cookie" not in resp.headers.get("Vary", "")


def test_the_ballot_page_is_one_round_trip_with_its_script_allowed_by_hash(client, session, congress, roll):
    open_election(session, congress, roll, seats=2, n_candidates=4)
    token = link_for(session, roll[2])
    resp = client.get(f"/v/{token}", headers={"Accept-Encoding": "gzip"})
    assert resp.status_code == 200 and resp.headers["Content-Encoding"] == "gzip"
    assert resp.headers["Cache-Control"] == "no-store"
    html = gzip.decompress(resp.data).decode()
    # nothing to fetch before the ballot works: no stylesheet, no script file
    assert re.findall(r'(?:href|src)="(/static/[^"]+)"', html) == []
    assert "<style>" in html and ".cand-name" in html
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    # the ballot's script, and the one that follows the hall (issue 13 §4)
    assert len(scripts) == 2 and "form.ballot" in scripts[0] and "data-live" in scripts[1]
    digests = ["'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in scripts]
    csp = resp.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+);", csp).group(1).split()
    assert script_src == ["'self'", *digests], csp      # those scripts, and no other inline one
    assert "unsafe-inline" not in re.search(r"script-src [^;]+;", csp).group(0)
    # pages that inline nothing keep the plain policy
    assert "sha256" not in client.get("/login").headers["Content-Security-Policy"]
    # the whole page over the wire is small
    assert len(resp.data) < 8 * 1024, len(resp.data)

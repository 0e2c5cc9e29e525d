"""`HTTPS=1 make run`: the self-signed certificate script and gunicorn serving it (phone
browsers open the camera for QR check-in only on HTTPS pages)."""
from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_certificate_script_names_the_hall_address_and_keeps_the_key(tmp_path):
    out = tmp_path / "tls"
    subprocess.run(["bash", str(ROOT / "scripts/tls-cert.sh"), str(out), "192.168.1.10"], check=True)
    text = subprocess.run(["openssl", "x509", "-in", str(out / "cert.pem"), "-noout", "-text"],
                          check=True, capture_output=True, text=True).stdout
    assert "IP Address:192.168.1.10" in text and "DNS:localhost" in text
    assert oct(os.stat(out / "key.pem").st_mode & 0o777) == "0o600"
    before = (out / "cert.pem").read_bytes()
    subprocess.run(["bash", str(ROOT / "scripts/tls-cert.sh"), str(out)], check=True)
    assert (out / "cert.pem").read_bytes() == before      # a second run keeps the certificate


def test_gunicorn_serves_https_with_it(tmp_path, _migrated):
    out = tmp_path / "tls"
    subprocess.run(["bash", str(ROOT / "scripts/tls-cert.sh"), str(out)], check=True)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    env = {**os.environ, "DATABASE_URL": _migrated, "SECRET_KEY": "https-test-secret-0123456789abcdef"}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}",
                             "--certfile", str(out / "cert.pem"), "--keyfile", str(out / "key.pem"),
                             "--log-level", "warning", "election_app:create_app()"], cwd=ROOT, env=env)
    try:
        ctx = ssl.create_default_context(cafile=str(out / "cert.pem"))
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(f"https://127.0.0.1:{port}/login", context=ctx, timeout=5) as resp:
                    assert resp.status == 200
                    assert "Đăng nhập" in resp.read().decode()
                break
            except (urllib.error.URLError, ConnectionError):
                if time.time() > deadline:
                    raise
                time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=20)

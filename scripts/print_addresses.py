"""Prints where the app can be reached (this machine and the hall's Wi-Fi addresses, found
offline by election_app/addresses.py, the same code the app uses for QR codes) and where the
demo logins come from (never a password)."""
import importlib.util
import os
import sys
from pathlib import Path

host, port = sys.argv[1], sys.argv[2]
scheme = sys.argv[3] if len(sys.argv) > 3 else "http"
# addresses.py alone (standard library only), without importing the whole app
spec = importlib.util.spec_from_file_location(
    "addresses", Path(__file__).resolve().parent.parent / "election_app" / "addresses.py")
addresses = importlib.util.module_from_spec(spec)
sys.modules["addresses"] = addresses
spec.loader.exec_module(addresses)

lan = addresses.lan_addresses()
public = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")
print("\n=== Đại hội Công đoàn — election_app ===")
print(f"Mở trình duyệt: {scheme}://127.0.0.1:{port}/")
if public:
    reason = addresses.unreachable_reason(public)
    print(f"Mã QR và liên kết cho điện thoại dùng PUBLIC_BASE_URL={public}"
          + (f"  — CẢNH BÁO: {reason}, điện thoại không mở được." if reason else ""))
if host in ("0.0.0.0", "::"):
    for i, a in enumerate(lan):
        print(f"Trong mạng Wi-Fi của hội trường: {scheme}://{a}:{port}/"
              + ("  (mã QR dùng địa chỉ này khi chưa đặt PUBLIC_BASE_URL)" if i == 0 and not public else ""))
    if not lan:
        print("CẢNH BÁO: máy này chưa có địa chỉ mạng nội bộ nào: hãy nối vào Wi-Fi của hội trường, "
              "nếu không điện thoại không mở được mã QR.")
else:
    print("Chỉ máy này truy cập được: điện thoại không mở được mã QR. Để phục vụ qua Wi-Fi hội trường: "
          "HOST=0.0.0.0 make run (thêm HTTPS=1 để điện thoại dùng được máy ảnh quét QR)"
          + (f"; địa chỉ mạng của máy: {', '.join(lan)}" if lan else ""))
print("Tài khoản mẫu: admin, btc, bbc, thuky — mật khẩu được sinh ngẫu nhiên và in MỘT LẦN khi "
      "tạo dữ liệu mẫu (xem phía trên); quên thì đặt lại: flask --app election_app user password admin")
print("Dừng máy chủ: Ctrl+C\n")

"""Prints where the app can be reached (this machine and, when serving on 0.0.0.0, the
hall's Wi-Fi addresses) and where the demo logins come from (never a password)."""
import socket
import sys

host, port = sys.argv[1], sys.argv[2]
scheme = sys.argv[3] if len(sys.argv) > 3 else "http"
print("\n=== Đại hội Công đoàn — election_app ===")
print(f"Mở trình duyệt: {scheme}://127.0.0.1:{port}/")
if host == "0.0.0.0":
    addrs = set()
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect(("10.255.255.255", 1))  # no packet is sent; this only picks the LAN interface
        addrs.add(s.getsockname()[0])
        s.close()
    except OSError:
        pass
    for a in sorted(addrs):
        print(f"Trong mạng Wi-Fi của hội trường: {scheme}://{a}:{port}/  (đặt PUBLIC_BASE_URL={scheme}://{a}:{port} để mã QR trỏ đúng)")
else:
    print("Chỉ máy này truy cập được. Để phục vụ qua Wi-Fi hội trường: HOST=0.0.0.0 make run "
          "(thêm HTTPS=1 để điện thoại dùng được máy ảnh quét QR)")
print("Tài khoản mẫu: admin, btc, bbc, thuky — mật khẩu được sinh ngẫu nhiên và in MỘT LẦN khi "
      "tạo dữ liệu mẫu (xem phía trên); quên thì đặt lại: flask --app election_app user password admin")
print("Dừng máy chủ: Ctrl+C\n")

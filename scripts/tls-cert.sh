#!/usr/bin/env bash
# A self-signed certificate for serving the hall's Wi-Fi over HTTPS (`HTTPS=1 make run`):
# phone browsers only open the camera (QR check-in) on HTTPS pages. Phones show a warning
# once ("not private"); accept it for this address. Usage: tls-cert.sh DIR [IP ...]
set -euo pipefail
dir=${1:?usage: tls-cert.sh DIR [IP ...]}; shift || true
mkdir -p "$dir"
[ -s "$dir/cert.pem" ] && [ -s "$dir/key.pem" ] && exit 0
san="DNS:localhost,IP:127.0.0.1"
for ip in "$@"; do san="$san,IP:$ip"; done
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=election_app" \
  -addext "subjectAltName=$san" -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
chmod 600 "$dir/key.pem"
echo "Đã tạo chứng chỉ tự ký: $dir/cert.pem (hiệu lực 30 ngày)"

#!/usr/bin/env bash
# Installs (as root) or names (otherwise) the Debian packages election_app needs:
# Pango/HarfBuzz for WeasyPrint, fonts with full Vietnamese, poppler-utils (pdftotext),
# and, with --browser, Chromium for the browser tests. Exit 1 when something is missing
# and we may not install it.
set -euo pipefail
pkgs=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1
      fonts-liberation2 fonts-noto-core fonts-dejavu-core poppler-utils)
if [ "${1:-}" = "--browser" ]; then pkgs+=(chromium); fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" = "0" ]; then
  echo ">> Cài gói hệ thống còn thiếu: ${missing[*]}"
  bash -c "$cmd"
else
  echo "Thiếu gói hệ thống: ${missing[*]}"
  echo "Hãy chạy với quyền root:"
  echo "  sudo bash -c '$cmd'"
  exit 1
fi

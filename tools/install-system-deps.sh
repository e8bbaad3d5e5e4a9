#!/usr/bin/env bash
# Install the Debian packages naskah needs for PDF export, if they are missing:
# LibreOffice Writer (headless) for DOCX -> PDF, poppler-utils for PNG previews.
# Runs apt-get only as root (or with passwordless sudo); otherwise it says what to install.
set -euo pipefail

need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import uno' 2>/dev/null || need+=(python3-uno)  # warm PDF converter
# Metric-compatible Arial and a font with the ballot-box glyphs used by the disposisi.
[ -e /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || need+=(fonts-liberation)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo)
else
  echo "naskah: PDF export needs: ${need[*]}" >&2
  echo "naskah: install them with: sudo apt-get install ${need[*]}" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "naskah: installed ${need[*]}"

#!/usr/bin/env bash
# Install the Debian packages naskah needs for PDF export, if they are missing:
# LibreOffice Writer (headless) for DOCX -> PDF, poppler-utils for PNG previews, and
# the fonts of the format profiles with a fontconfig alias for each.
# Runs apt-get only as root (or with passwordless sudo); otherwise it says what to install.
set -euo pipefail

# The profiles' fonts (Arial, Bookman Old Style) mapped to metric-compatible free fonts
# (tools/fontconfig/60-naskah-aliases.conf): system-wide as root, else for this user.
install_font_aliases() {
  local conf dir
  conf="$(dirname "$0")/fontconfig/60-naskah-aliases.conf"
  if [ "$(id -u)" -eq 0 ]; then
    dir=/etc/fonts/conf.d
  else
    dir="${XDG_CONFIG_HOME:-$HOME/.config}/fontconfig/conf.d"
  fi
  mkdir -p "$dir" 2>/dev/null || return 0
  cmp -s "$conf" "$dir/60-naskah-aliases.conf" 2>/dev/null || cp "$conf" "$dir/" 2>/dev/null || true
}
trap install_font_aliases EXIT

need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import uno' 2>/dev/null || need+=(python3-uno)  # warm PDF converter
# Metric-compatible Arial and a font with the ballot-box glyphs used by the disposisi.
[ -e /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || need+=(fonts-liberation)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
# SoftHSM2: the real PKCS#11 token the TTE tests sign with.
command -v softhsm2-util >/dev/null 2>&1 || need+=(softhsm2)
# URW Bookman (and TeX Gyre Bonum): Bookman Old Style metrics, for kemenko-polhukam.
[ -e /usr/share/fonts/opentype/urw-base35/URWBookman-Light.otf ] || need+=(fonts-urw-base35)
[ -e /usr/share/texmf/fonts/opentype/public/tex-gyre/texgyrebonum-regular.otf ] || need+=(fonts-texgyre)
# faketime: the attack tests run verify with the clock past the certificates' validity.
command -v faketime >/dev/null 2>&1 || need+=(faketime)
# The browser tests: Debian's Chromium (driven by Playwright) and zbarimg (reads the QR
# code of a signed letter from a page image).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
# qpdf: the PDF structure checks (qpdf --check).
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
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

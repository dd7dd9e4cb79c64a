#!/usr/bin/env bash
# Installs the Debian packages Parcimonie's test suite needs, when they are missing:
# PostgreSQL (a real server started by the tests), Go and govmomi (the vCenter simulator),
# Chromium and ChromeDriver (the real-browser dashboard test), Node.js (the OpenID Connect provider
# of the sign-in tests, tests/support/oidc: its npm packages are installed by the tests, `npm ci`).
set -euo pipefail

packages=(postgresql golang-go golang-github-vmware-govmomi-dev chromium chromium-driver nodejs)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "Installing Debian packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/bin/sh
# Installs the Debian packages in scripts/apt-packages.txt that are missing.
# Idempotent and quick when everything is present (no apt-get call at all).
set -eu
here=$(dirname "$0")
missing=""
for pkg in $(grep -v '^#' "$here/apt-packages.txt"); do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $pkg"
  fi
done
if [ -n "$missing" ]; then
  echo "installing Debian packages:$missing"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

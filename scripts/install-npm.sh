#!/bin/sh
# Installs the npm packages whose data Lodestar reads at run time (map shapes,
# gazetteer) from each package.json under web/, using the lockfile. Only the npm
# registry is contacted, and only when node_modules is missing or stale.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
# This machine kind ships Node.js with npm; a plain Debian 12 needs Debian's npm.
if ! command -v npm >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm
fi
for pkg in $(find "$root/web" -name package.json -not -path '*/node_modules/*' 2>/dev/null); do
  dir=$(dirname "$pkg")
  if [ ! -d "$dir/node_modules" ] || [ "$pkg" -nt "$dir/node_modules" ]; then
    echo "npm: installing packages for ${dir#$root/}"
    (cd "$dir" && npm ci --no-audit --no-fund --silent 2>/dev/null || npm install --no-audit --no-fund --silent)
    touch "$dir/node_modules"
  fi
done

#!/usr/bin/env bash
# Fetches Debian's current linux-image-*-amd64 (real signed modules, config, image) into .cache/debian/
# with `apt-get download` and unpacks it with `dpkg -x`. Reused when present. Prints the unpacked root.
# Fails with a message, never silently: tests that need real modules must not pass without them.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=.cache/debian
mkdir -p "$cache"

if [ -f "$cache/image.done" ]; then
  cat "$cache/image.done"
  exit 0
fi

for tool in apt-get apt-cache dpkg; do
  command -v "$tool" >/dev/null || { echo "fetch-debian-kernel: $tool is missing; this needs a Debian system" >&2; exit 1; }
done

# On a machine whose apt lists were never fetched apt-cache fails; under pipefail that must not end
# the script before the update below has had its chance.
kernel_package() { { apt-cache depends linux-image-amd64 2>/dev/null || true; } | awk '/Depends: linux-image-[0-9]/ {print $2; exit}'; }
package=$(kernel_package)
if [ -z "$package" ] && [ "$(id -u)" = 0 ]; then
  apt-get update -qq >&2
  package=$(kernel_package)
fi
[ -n "$package" ] || { echo "fetch-debian-kernel: cannot resolve linux-image-amd64 to a kernel package (apt lists missing?)" >&2; exit 1; }

( cd "$cache" && rm -f ./*.deb && apt-get download -q "$package" >&2 ) ||
  { echo "fetch-debian-kernel: apt-get download $package failed" >&2; exit 1; }
deb=$(ls "$cache"/linux-image-*.deb | head -1)
rm -rf "$cache/image"
dpkg -x "$deb" "$cache/image"
rm -f "$deb"
release=$(ls "$cache/image/lib/modules" | head -1)

# The matching linux-headers-RELEASE package holds Module.symvers, the kernel's exported symbols and CRCs.
( cd "$cache" && rm -f ./*.deb && apt-get download -q "linux-headers-$release" >&2 ) ||
  { echo "fetch-debian-kernel: apt-get download linux-headers-$release failed" >&2; exit 1; }
rm -rf "$cache/headers"
dpkg -x "$cache"/linux-headers-*.deb "$cache/headers"
rm -f "$cache"/*.deb
symvers=$(find "$cache/headers" -name Module.symvers | head -1)
[ -n "$symvers" ] || { echo "fetch-debian-kernel: no Module.symvers in linux-headers-$release" >&2; exit 1; }
cp "$symvers" "$cache/image/Module.symvers"

echo "$(pwd)/$cache/image $release" > "$cache/image.done"
cat "$cache/image.done"

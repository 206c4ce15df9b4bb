#!/usr/bin/env bash
# Installs the Debian packages driver-tool's tests (or benchmarks) use. Idempotent: it asks apt
# only for what is missing, so a prepared machine does nothing here.
set -euo pipefail
purpose=${1:-test}

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET SDK (dotnet) is not on PATH; install the .NET 10 SDK first" >&2
  exit 1
fi

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have python3 || need+=(python3)
have strace || need+=(strace)
have setpriv || need+=(util-linux)
have flock || need+=(util-linux)
[ -x /usr/sbin/depmod ] && [ -x /usr/sbin/modinfo ] || need+=(kmod)
have readelf || need+=(binutils)
have cc || need+=(gcc)
have openssl || need+=(openssl)
have xz || need+=(xz-utils)
have zstd || need+=(zstd)
have gzip || need+=(gzip)
have rpmbuild || need+=(rpm)
have dracut || need+=(dracut-core)
have cpio || need+=(cpio)
have qemu-system-x86_64 || need+=(qemu-system-x86)
[ -f /usr/share/bash-completion/bash_completion ] || need+=(bash-completion)
if [ "$purpose" = bench ]; then
  have hyperfine || need+=(hyperfine)
  [ -x /usr/bin/time ] || need+=(time)
  have strace || need+=(strace)
fi

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "setup: missing ${need[*]}; run as root or install them: apt-get install ${need[*]}" >&2
  exit 1
fi

echo "setup: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

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
# Trial selections are proven by real boots: OVMF, an EFI grub on a GPT/FAT disk made with mtools,
# and variant modules built with kbuild (make) against Debian's headers (below).
[ -f /usr/share/OVMF/OVMF_CODE_4M.fd ] || need+=(ovmf)
[ -d /usr/lib/grub/x86_64-efi ] || need+=(grub-efi-amd64-bin)
have grub-mkimage && have grub-editenv && have grub-script-check || need+=(grub-common)
have mcopy || need+=(mtools)
have mkfs.vfat || need+=(dosfstools)
have sfdisk || need+=(fdisk)
have make || need+=(make)
[ -f /usr/share/bash-completion/bash_completion ] || need+=(bash-completion)
if [ "$purpose" = bench ]; then
  have hyperfine || need+=(hyperfine)
  [ -x /usr/bin/time ] || need+=(time)
  have strace || need+=(strace)
fi

# The headers of the kernel the tests boot (scripts/fetch-debian-kernel.sh picks Debian's current
# one), for kbuild: the package pulls its -common half and linux-kbuild.
if [ "$purpose" = test ]; then
  release=$("$(dirname "$0")/fetch-debian-kernel.sh" | cut -d' ' -f2)
  [ -f "/usr/src/linux-headers-$release/Makefile" ] || need+=("linux-headers-$release")
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

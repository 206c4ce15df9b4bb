#!/usr/bin/env bash
# `driver-tool kernels` benchmarks (issue 5): a root with 5 installed kernels each with a configuration
# file (Debian's own, 260 KB), and extracting an embedded configuration from a real-size compressed
# image (Debian's kernel, re-packed as a bzImage with an IKCONFIG block since Debian builds without one).
# hyperfine medians; appends to build/bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/obj/driver-tool
OUT=build/bench
read -r image release < <(scripts/fetch-debian-kernel.sh)
five=$OUT/kernels5
rm -rf "$five" && mkdir -p "$five/boot"
for i in 1 2 3 4 5; do
  mkdir -p "$five/lib/modules/6.1.0-$i-amd64"
  cp "$image/boot/config-$release" "$five/boot/config-6.1.0-$i-amd64"
done

embedded=$OUT/kernel-ikconfig
rm -rf "$embedded" && mkdir -p "$embedded/boot"
python3 - "$image/boot/vmlinuz-$release" "$image/boot/config-$release" "$embedded/boot/vmlinuz-$release" <<'PY'
import gzip, lzma, struct, sys
data = open(sys.argv[1], "rb").read()
setup = (data[0x1f1] + 1) * 512
offset, length = struct.unpack_from("<II", data, 0x248)
vmlinux = lzma.decompress(data[setup + offset: setup + offset + length - 4])
blob = vmlinux + b"IKCFG_ST" + gzip.compress(open(sys.argv[2], "rb").read()) + b"IKCFG_ED"
payload = lzma.compress(blob, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32) + struct.pack("<I", len(blob))
header = bytearray(data[:setup])
struct.pack_into("<II", header, 0x248, 0, len(payload))
open(sys.argv[3], "wb").write(bytes(header) + payload)
print(f"{len(vmlinux) >> 20} MiB kernel, {(len(header) + len(payload)) >> 20} MiB image", file=sys.stderr)
PY
hyperfine -N --warmup 3 --runs 30 --export-json "$OUT/k.json" "$BIN --root $five kernels" >/dev/null 2>&1
five_ms=$(python3 -c 'import json; print("%.1f" % (json.load(open("build/bench/k.json"))["results"][0]["median"]*1000))')
hyperfine -N --warmup 1 --runs 5 --export-json "$OUT/k.json" "$BIN --root $embedded kernels" >/dev/null 2>&1
image_ms=$(python3 -c 'import json; print("%.0f" % (json.load(open("build/bench/k.json"))["results"][0]["median"]*1000))')
found=$($BIN --root "$embedded" kernels | python3 -c 'import json,sys; print(json.load(sys.stdin)["kernels"][0]["config"])')
{
  echo
  echo "| \`kernels\` | median wall |"
  echo "|---|---:|"
  echo "| 5 kernels, each with a configuration file (Debian's, 260 KB) | $five_ms ms |"
  echo "| 1 kernel, configuration only in its image ($(stat -c %s "$embedded/boot/vmlinuz-$release" | awk '{printf "%.1f", $1/1048576}') MiB bzImage, xz payload; found: $found) | $image_ms ms |"
} | tee -a "$OUT/results.md"

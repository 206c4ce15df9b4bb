#!/usr/bin/env bash
# Module benchmarks on every module of Debian's linux-image package (scripts/fetch-debian-kernel.sh):
# driver-tool inspect over all of them in one invocation against modinfo over the same files in one
# invocation (hyperfine, median of 5), peak RSS (/usr/bin/time), and signature verification of all of
# them (a copy re-signed once with a bench key, as sign-file signs). Appends to build/bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/obj/driver-tool
OUT=build/bench
mkdir -p "$OUT"
read -r image release < <(scripts/fetch-debian-kernel.sh)
modules="$image/lib/modules/$release/kernel"
find "$modules" -name '*.ko' | sort > "$OUT/modules.txt"
count=$(wc -l < "$OUT/modules.txt")

median_ms() { python3 -c 'import json,sys; print("%.0f" % (json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["median"]*1000))' "$1" "$2"; }
rss_mb() { for _ in 1 2 3; do /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; done | sort -n | sed -n 2p | awk '{printf "%.1f", $1/1024}'; }

# One command line per tool, kept in a script: 4,000 paths are more than hyperfine may take as one argument.
write() { local name=$1; shift; { printf 'exec'; printf ' %q' "$@"; printf ' '; tr '\n' ' ' < "$LIST"; printf ' >/dev/null\n'; } > "$OUT/$name.sh"; }
LIST=$OUT/modules.txt
write inspect-all "$BIN" inspect
write modinfo-all modinfo
hyperfine -N --warmup 1 --runs 5 --export-json "$OUT/m.json" "bash $OUT/inspect-all.sh" "bash $OUT/modinfo-all.sh" >/dev/null 2>&1
ours=$(median_ms "$OUT/m.json" 0)
theirs=$(median_ms "$OUT/m.json" 1)

# A signed copy: every module re-signed with a bench key, once (cached).
signed=$OUT/signed
if [ ! -f "$signed/.done" ]; then
  rm -rf "$signed" && mkdir -p "$signed/keys" "$signed/modules"
  openssl req -new -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -subj "/CN=driver-tool bench key" \
    -keyout "$signed/key.pem" -out "$signed/keys/bench.pem" 2>/dev/null
  python3 - "$OUT/modules.txt" "$signed" <<'PY'
import os, struct, subprocess, sys
names = open(sys.argv[1]).read().split()
out = sys.argv[2]
for i, path in enumerate(names):
    data = open(path, "rb").read()
    magic = b"~Module signature appended~\n"
    if data.endswith(magic):
        sig_len = struct.unpack(">I", data[-len(magic) - 4:-len(magic)])[0]
        data = data[:-len(magic) - 12 - sig_len]
    target = os.path.join(out, "modules", f"{i:05d}.ko")
    open(target, "wb").write(data)
    sig = subprocess.run(["openssl", "cms", "-sign", "-binary", "-noattr", "-nocerts", "-nosmimecap", "-outform", "DER",
                          "-md", "sha256", "-signer", os.path.join(out, "keys", "bench.pem"), "-inkey", os.path.join(out, "key.pem"),
                          "-in", target], check=True, capture_output=True).stdout
    open(target, "ab").write(sig + struct.pack(">BBBBB3xI", 0, 0, 2, 0, 0, len(sig)) + magic)
PY
  touch "$signed/.done"
fi
ls "$signed"/modules/*.ko > "$OUT/signed.txt"
LIST=$OUT/signed.txt
write verify-all "$BIN" inspect --trusted-keys "$signed/keys"
hyperfine -N --warmup 1 --runs 5 --export-json "$OUT/v.json" "bash $OUT/verify-all.sh" >/dev/null 2>&1
verify=$(median_ms "$OUT/v.json" 0)
trusted=$($BIN inspect --trusted-keys "$signed/keys" $(cat "$OUT/signed.txt") | python3 -c 'import json,sys; print(sum(m["verification"]["status"]=="trusted" for m in json.load(sys.stdin)["modules"]))')

{
  echo
  echo "Modules of Debian's linux-image-$release ($count files, $(du -sh "$modules" | cut -f1)), one invocation each, median of 5:"
  echo
  echo "| command | median wall | peak RSS |"
  echo "|---|---:|---:|"
  echo "| \`driver-tool inspect\` (all $count) | $ours ms | $(rss_mb bash "$OUT/inspect-all.sh") MB |"
  echo "| \`modinfo\` (all $count) | $theirs ms | $(rss_mb bash "$OUT/modinfo-all.sh") MB |"
  echo "| \`driver-tool inspect --trusted-keys\` (all $count re-signed; $trusted verified trusted) | $verify ms | $(rss_mb bash "$OUT/verify-all.sh") MB |"
  python3 -c "print(f'\ninspect is {$theirs/$ours:.1f}x faster than modinfo.')"
} | tee -a "$OUT/results.md"

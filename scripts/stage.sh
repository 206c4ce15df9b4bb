#!/usr/bin/env bash
# Installs driver-tool into DESTDIR with the layout the RPM installs; `make dist` and the spec's
# %install both use it, so the tarball and the package cannot drift apart.
#   scripts/stage.sh DESTDIR VERSION [BINARY]
# DESTDIR must be new or empty: staging never deletes what is already there (a mistyped DESTDIR
# must not cost a tree); `make dist` empties build/stage itself.
set -euo pipefail
dest=${1:?usage: stage.sh DESTDIR VERSION [BINARY]}
version=${2:?usage: stage.sh DESTDIR VERSION [BINARY]}
binary=${3:+$(realpath -m -- "$3")}
dest=$(realpath -m -- "$dest")
if [ -e "$dest" ] && [ -n "$(ls -A -- "$dest")" ]; then
  echo "stage: $dest is not empty; stage into a new or empty folder" >&2
  exit 1
fi
cd "$(dirname "$0")/.."
binary=${binary:-build/obj/driver-tool}
[ -x "$binary" ] || { echo "stage: $binary is missing; run 'make publish' first" >&2; exit 1; }

install -D -m 0755 "$binary" "$dest/usr/sbin/driver-tool"
install -d -m 0755 "$dest/usr/share/man/man8"
sed "s/@VERSION@/$version/" dist/man/driver-tool.8 | gzip -n -9 > "$dest/usr/share/man/man8/driver-tool.8.gz"
chmod 0644 "$dest/usr/share/man/man8/driver-tool.8.gz"
# Completion is printed by the binary from the table its parser and help read (driver-tool completion bash).
install -d -m 0755 "$dest/usr/share/bash-completion/completions"
"$binary" completion bash > "$dest/usr/share/bash-completion/completions/driver-tool"
chmod 0644 "$dest/usr/share/bash-completion/completions/driver-tool"
install -D -m 0644 dist/depmod.d/driver-tool.conf "$dest/usr/lib/depmod.d/driver-tool.conf"
install -D -m 0644 LICENSE "$dest/usr/share/licenses/driver-tool/LICENSE"
install -d -m 0755 "$dest/etc/driver-tool/trusted-keys"
install -d -m 0755 "$dest/var/lib/driver-tool"
install -D -m 0644 dist/rpm/macros.driver-tool "$dest/usr/lib/rpm/macros.d/macros.driver-tool"
install -D -m 0755 dist/dracut/90driver-tool/module-setup.sh "$dest/usr/lib/dracut/modules.d/90driver-tool/module-setup.sh"
install -D -m 0755 dist/dracut/90driver-tool/driver-tool-boot.sh "$dest/usr/lib/dracut/modules.d/90driver-tool/driver-tool-boot.sh"
install -D -m 0644 dist/grub/driver-tool-trial.cfg "$dest/usr/lib/driver-tool/grub/driver-tool-trial.cfg"
# The trial units, enabled as the package installs them (static .wants links): settle early in every
# boot, confirm once the host is up (xapi's start-up where it runs, else multi-user).
units=$dest/usr/lib/systemd/system
install -D -m 0644 dist/systemd/driver-tool-trial-settle.service "$units/driver-tool-trial-settle.service"
install -D -m 0644 dist/systemd/driver-tool-trial-confirm.service "$units/driver-tool-trial-confirm.service"
install -d -m 0755 "$units/sysinit.target.wants" "$units/multi-user.target.wants" "$units/xapi-init-complete.target.wants"
ln -s ../driver-tool-trial-settle.service "$units/sysinit.target.wants/driver-tool-trial-settle.service"
ln -s ../driver-tool-trial-confirm.service "$units/multi-user.target.wants/driver-tool-trial-confirm.service"
ln -s ../driver-tool-trial-confirm.service "$units/xapi-init-complete.target.wants/driver-tool-trial-confirm.service"

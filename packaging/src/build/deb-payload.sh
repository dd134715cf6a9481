#!/bin/sh
# Prepares what the .deb carries beside the distribution's lib/: the jlink runtime as a tarball
# (file modes kept), the man page and the bash completion generated from the built launcher.
#   deb-payload.sh <packaging/target>
set -eu
target=$1
here=$(cd "$(dirname "$0")" && pwd)
payload=$target/deb-payload
rm -rf "$payload"
mkdir -p "$payload/usr/lib/sluice"
"$here/jlink.sh" "$payload/usr/lib/sluice/runtime"
tar -C "$payload" --owner=0 --group=0 -czf "$target/runtime.tar.gz" usr
"$target/sluice/bin/sluice" manpage | gzip -9n > "$target/sluice.1.gz"
"$target/sluice/bin/sluice" completion > "$target/sluice.bash-completion"
echo "deb-payload.sh: runtime $(du -sh "$payload/usr/lib/sluice/runtime" | cut -f1), man page, completion"

#!/bin/sh
# Builds the runtime image the .deb ships: only the JDK modules Sluice uses.
#   jlink.sh <output-dir>
# Uses the newest JDK 21+ under $JAVA_HOME or /usr/lib/jvm (the same search as the launcher).
set -eu
out=$1
best=""; best_version=0
for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
    [ -r "$home/release" ] && [ -x "$home/bin/jlink" ] || continue
    v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$home/release")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_version" ]; then best=$home; best_version=$v; fi
done
if [ -z "$best" ]; then
    echo "jlink.sh: no JDK 21 or newer with jlink under JAVA_HOME or /usr/lib/jvm" >&2
    exit 1
fi
rm -rf "$out"
# java.base..java.xml: the code and its libraries (JNA, Netty, Jackson, Micrometer, picocli);
# jdk.unsupported: sun.misc.Signal/Unsafe (signals, Netty); jdk.net: SO_PEERCRED;
# jdk.security.auth: the lab's root check; jdk.management: the JVM's own metrics; java.naming,
# java.sql: optional parts of Netty and Jackson. (MetricsPort is served by Netty.)
"$best/bin/jlink" \
    --add-modules java.base,java.logging,java.management,java.naming,java.xml,java.sql,jdk.unsupported,jdk.net,jdk.security.auth,jdk.management \
    --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
    --output "$out"
echo "jlink.sh: runtime image of JDK $best_version in $out ($(du -sh "$out" | cut -f1))"

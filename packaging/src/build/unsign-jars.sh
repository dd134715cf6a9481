#!/bin/sh
# Rewrites each signed jar in the distribution's lib/ without its signature: the signature files
# (META-INF/*.SF, *.RSA, *.DSA, *.EC) and the manifest's per-entry digests go, the main manifest
# section stays. A signed jar on the class path is verified as its classes load and keeps every
# entry's digest in memory for the life of the process (bcprov: 6,000 entries, about 10 MB of the
# daemon's RSS), which buys nothing in a distribution whose integrity its package guards.
#   unsign-jars.sh <lib-dir>
set -eu
lib=$1
jar=
for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
    if [ -x "$home/bin/jar" ]; then
        jar=$home/bin/jar
        break
    fi
done
if [ -z "$jar" ]; then
    echo "unsign-jars.sh: no JDK with the jar tool under JAVA_HOME or /usr/lib/jvm" >&2
    exit 1
fi
for file in "$lib"/*.jar; do
    "$jar" --list --file "$file" | grep -Eq '^META-INF/[^/]+\.(SF|RSA|DSA|EC)$' || continue
    work=$(mktemp -d)
    mkdir "$work/content"
    (cd "$work/content" && "$jar" --extract --file "$file")
    rm -f "$work"/content/META-INF/*.SF "$work"/content/META-INF/*.RSA \
        "$work"/content/META-INF/*.DSA "$work"/content/META-INF/*.EC
    # The main section: everything up to the first empty line.
    tr -d '\r' < "$work/content/META-INF/MANIFEST.MF" | awk 'NF == 0 {exit} {print}' > "$work/main.mf"
    rm "$work/content/META-INF/MANIFEST.MF"
    "$jar" --create --file "$work/unsigned.jar" --manifest "$work/main.mf" -C "$work/content" .
    mv "$work/unsigned.jar" "$file"
    chmod 0644 "$file"
    rm -rf "$work"
    echo "unsign-jars.sh: $(basename "$file") without its signature"
done

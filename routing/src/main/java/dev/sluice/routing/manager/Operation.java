package dev.sluice.routing.manager;

/**
 * One change to the system, with its inverse (what the journal records before applying it). {@link
 * #toString()} is the transcript line.
 */
public sealed interface Operation {
    Operation inverse();

    record AddRoute(RouteEntry route) implements Operation {
        @Override
        public Operation inverse() {
            return new DeleteRoute(route);
        }

        @Override
        public String toString() {
            return "route add " + route;
        }
    }

    record DeleteRoute(RouteEntry route) implements Operation {
        @Override
        public Operation inverse() {
            return new AddRoute(route);
        }

        @Override
        public String toString() {
            return "route del " + route;
        }
    }

    record AddRule(RuleEntry rule) implements Operation {
        @Override
        public Operation inverse() {
            return new DeleteRule(rule);
        }

        @Override
        public String toString() {
            return "rule add " + rule;
        }
    }

    record DeleteRule(RuleEntry rule) implements Operation {
        @Override
        public Operation inverse() {
            return new AddRule(rule);
        }

        @Override
        public String toString() {
            return "rule del " + rule;
        }
    }

    /** Sets a sysctl, remembering the value it had (the inverse sets that back). */
    record SetSysctl(String key, String value, String previous) implements Operation {
        @Override
        public Operation inverse() {
            return new SetSysctl(key, previous, value);
        }

        @Override
        public String toString() {
            return "sysctl " + key + "=" + value + " (was " + previous + ")";
        }
    }

    record AddFirewall(FirewallTable table) implements Operation {
        @Override
        public Operation inverse() {
            return new DeleteFirewall(table);
        }

        @Override
        public String toString() {
            return "nft add table " + table;
        }
    }

    record DeleteFirewall(FirewallTable table) implements Operation {
        @Override
        public Operation inverse() {
            return new AddFirewall(table);
        }

        @Override
        public String toString() {
            return "nft delete table " + table;
        }
    }

    /**
     * Replaces the contents of a file in place (no rename: {@code /etc/resolv.conf} may be a bind
     * mount, as in containers and {@code ip netns exec}), but only while it still holds {@code
     * expected}, or what an interrupted in-place write between {@code expected} and {@code content}
     * left ({@link #isInterruptedWrite}): a file another program rewrote since is left alone, and
     * the backend says so.
     *
     * @param path the file
     * @param content the bytes to write
     * @param expected the bytes the file must hold for the write to happen
     */
    record ReplaceFile(String path, byte[] content, byte[] expected) implements Operation {
        public ReplaceFile {
            content = content.clone();
            expected = expected.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }

        @Override
        public byte[] expected() {
            return expected.clone();
        }

        @Override
        public Operation inverse() {
            return new ReplaceFile(path, expected, content);
        }

        /**
         * Whether {@code current} is what writing {@code content} over {@code expected}, or {@code
         * expected} over {@code content}, in place, can leave when the writer dies part-way, once
         * or again while repairing: its length lies between the two lengths, and each of its bytes
         * equals the byte at the same position in one of the two files.
         *
         * <p>Why that shape: the writer overwrites from offset 0 without truncating first, then
         * truncates to the new length. Stopped after any number of bytes, the file holds a prefix
         * of the new bytes followed by the rest of the old ones, as long as the longer of the two
         * (or, while a longer file grows, anything between). A write over such a mixture mixes
         * again, position by position, and never leaves the two lengths' range; that also covers
         * blocks reaching the disk out of order in a power loss. A strict prefix of either file
         * (the truncate-first writer's crash window) cannot occur.
         *
         * <p>The two files themselves also match; callers test for them first. Another program's
         * rewrite matches only if each of its bytes agrees with one of the two files at the same
         * position, which a real edit practically never does: Sluice's file starts with a comment
         * of its own, where the original has something else.
         */
        public boolean isInterruptedWrite(byte[] current) {
            int shorter = Math.min(content.length, expected.length);
            int longer = Math.max(content.length, expected.length);
            if (current.length < shorter || current.length > longer) {
                return false;
            }
            for (int i = 0; i < current.length; i++) {
                boolean fromContent = i < content.length && current[i] == content[i];
                boolean fromExpected = i < expected.length && current[i] == expected[i];
                if (!fromContent && !fromExpected) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ReplaceFile that
                    && path.equals(that.path)
                    && java.util.Arrays.equals(content, that.content)
                    && java.util.Arrays.equals(expected, that.expected);
        }

        @Override
        public int hashCode() {
            return path.hashCode() * 31 + java.util.Arrays.hashCode(content);
        }

        @Override
        public String toString() {
            return "write " + path + " (" + content.length + " bytes)";
        }
    }

    /**
     * Gives a link its own DNS servers and routing domains in systemd-resolved ({@code resolvectl
     * dns}, {@code resolvectl domain}, no default route).
     */
    record SetLinkDns(String link, java.util.List<String> servers, java.util.List<String> domains)
            implements Operation {
        public SetLinkDns {
            servers = java.util.List.copyOf(servers);
            domains = java.util.List.copyOf(domains);
        }

        @Override
        public Operation inverse() {
            return new RevertLinkDns(link, servers, domains);
        }

        @Override
        public String toString() {
            return "resolved link "
                    + link
                    + " dns "
                    + String.join(" ", servers)
                    + " domains "
                    + String.join(" ", domains);
        }
    }

    /**
     * Drops the per-link DNS settings of a link in systemd-resolved ({@code resolvectl revert}).
     */
    record RevertLinkDns(
            String link, java.util.List<String> servers, java.util.List<String> domains)
            implements Operation {
        public RevertLinkDns {
            servers = java.util.List.copyOf(servers);
            domains = java.util.List.copyOf(domains);
        }

        @Override
        public Operation inverse() {
            return new SetLinkDns(link, servers, domains);
        }

        @Override
        public String toString() {
            return "resolved revert " + link;
        }
    }
}

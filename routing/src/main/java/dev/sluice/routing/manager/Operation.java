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
}

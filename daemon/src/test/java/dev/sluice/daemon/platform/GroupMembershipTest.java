package dev.sluice.daemon.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Group membership through NSS, checked against {@code id -G} (coreutils asks the name service on
 * its own) for the users every Debian system has.
 */
class GroupMembershipTest {
    private static Set<Integer> idGroups(String user) throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-G", user).redirectErrorStream(true).start();
        String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(id.waitFor()).as(out).isZero();
        return Arrays.stream(out.strip().split("\\s+"))
                .map(Integer::valueOf)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void shouldListTheGroupsIdListsWhenAskedForSystemUsers() throws Exception {
        for (String user : new String[] {"root", "daemon", "nobody"}) {
            int primary = GroupMembership.primaryGroupId(user).orElseThrow();
            Set<Integer> groups =
                    Arrays.stream(GroupMembership.groupIds(user, primary))
                            .boxed()
                            .collect(Collectors.toCollection(TreeSet::new));
            assertThat(groups).as(user).isEqualTo(idGroups(user));
        }
    }

    @Test
    void shouldFindRootInItsGroupAndNobodyOutsideItWhenAsked() {
        assertThat(GroupMembership.groupId("root")).hasValue(0);
        assertThat(GroupMembership.primaryGroupId("root")).hasValue(0);
        assertThat(GroupMembership.isMember("root", "root")).isTrue();
        assertThat(GroupMembership.isMember("nobody", "root")).isFalse();
    }

    @Test
    void shouldAnswerFalseWhenTheUserOrTheGroupIsUnknown() {
        assertThat(GroupMembership.isMember("no-such-user-sluice-test", "root")).isFalse();
        assertThat(GroupMembership.isMember("root", "no-such-group-sluice-test")).isFalse();
        assertThat(GroupMembership.groupId("no-such-group-sluice-test")).isEmpty();
    }
}

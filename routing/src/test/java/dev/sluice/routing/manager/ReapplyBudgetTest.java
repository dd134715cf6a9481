package dev.sluice.routing.manager;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReapplyBudgetTest {
    @Test
    void shouldRefuseTheSixthReapplyWithinTheWindowAndAllowOneOnceTheOldestLeavesIt() {
        ReapplyBudget budget = new ReapplyBudget();
        for (int i = 0; i < ReapplyBudget.MAX_REAPPLIES; i++) {
            assertThat(budget.take(i * 1_000_000_000L)).isTrue();
        }
        assertThat(budget.take(ReapplyBudget.WINDOW_NS)).isFalse();
        assertThat(budget.take(ReapplyBudget.WINDOW_NS + 1))
                .as("the first left the window")
                .isTrue();
        assertThat(budget.take(ReapplyBudget.WINDOW_NS + 2)).isFalse();
    }

    @Test
    void shouldStateTheLimitInWords() {
        assertThat(ReapplyBudget.limit()).isEqualTo("5 times within 60 s");
    }
}

package io.streamspace.agent.domain.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AgentIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"docker-prod-us-east-1", "abc", "a.b_c-d", "Agent42"})
    void acceptsIdsTheControlPlaneAccepts(String id) {
        assertThat(AgentId.problems(id)).isEmpty();
        assertThat(new AgentId(id).value()).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "agent;rm", "agent#1", "a--b", "agent|x", "agent&x", "a`b", "x$(id)", "a/b",
            "-leading", "has space", "drop-table"})
    void rejectsWhatTheControlPlaneFilterRejects(String id) {
        assertThat(AgentId.problems(id)).isNotEmpty();
        assertThatThrownBy(() -> new AgentId(id)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsTooLongIdsWithTheLength() {
        assertThat(AgentId.problems("a".repeat(101))).singleElement().asString().contains("got 101");
    }

    @Test
    void missingIdNamesTheFlagAndVariable() {
        assertThat(AgentId.problems(null)).singleElement().asString().contains("--agent-id").contains("AGENT_ID");
    }
}

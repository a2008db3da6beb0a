package io.streamspace.agent.adapter.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgumentSchemaTest {

    private final ArgumentSchema schema = ArgumentSchema.none()
            .text("container", "Container.", true, "^[a-z0-9-]+$", 20)
            .whole("tail", "Lines.", 1, 100, 10L)
            .flag("all", "All.", false)
            .textMap("env", "Variables.", 2);

    @Test
    void theJsonSchemaDescribesExactlyWhatIsChecked() {
        Map<String, Object> json = schema.toJsonSchema();
        assertThat(json).containsEntry("type", "object").containsEntry("additionalProperties", false)
                .containsEntry("required", List.of("container"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> properties = (Map<String, Map<String, Object>>) json.get("properties");
        assertThat(properties.get("tail")).containsEntry("type", "integer").containsEntry("minimum", 1L)
                .containsEntry("maximum", 100L).containsEntry("default", 10L);
        assertThat(properties.get("container")).containsEntry("pattern", "^[a-z0-9-]+$").containsEntry("maxLength", 20);
        assertThat(properties.get("env")).containsEntry("type", "object");
    }

    @Test
    void validArgumentsGetTheirDefaults() {
        ArgumentSchema.Arguments args = schema.check(Map.of("container", "web-1", "tail", 5.0));
        assertThat(args.text("container")).isEqualTo("web-1");
        assertThat(args.whole("tail")).isEqualTo(5);
        assertThat(args.flag("all")).isFalse();
        assertThat(args.textMap("env")).isEmpty();
        assertThat(schema.check(Map.of("container", "x")).whole("tail")).isEqualTo(10);
    }

    @Test
    void everyProblemIsNamedWithoutEchoingValues() {
        assertThatThrownBy(() -> schema.check(Map.of("container", "Bad Value!", "tail", 1000, "all", "yes",
                "env", Map.of("A", 1), "extra\nkey", "secret-value")))
                .isInstanceOf(ArgumentSchema.InvalidArgumentsException.class)
                .hasMessageContaining("unknown argument 'extra?key'")
                .hasMessageContaining("'container' must match")
                .hasMessageContaining("'tail' must be between 1 and 100")
                .hasMessageContaining("'all' must be true or false")
                .hasMessageContaining("every value of 'env' must be a string")
                .hasMessageNotContaining("secret-value").hasMessageNotContaining("Bad Value!");
        assertThatThrownBy(() -> schema.check(Map.of())).hasMessageContaining("'container' is required");
        assertThatThrownBy(() -> schema.check(Map.of("container", "x", "tail", 2.5)))
                .hasMessageContaining("'tail' must be an integer");
        assertThatThrownBy(() -> schema.check(Map.of("container", "x", "env", Map.of("A", "1", "B", "2", "C", "3"))))
                .hasMessageContaining("at most 2 entries");
        assertThatThrownBy(() -> ArgumentSchema.none().check(Map.of("x", 1))).hasMessageContaining("takes none");
    }
}

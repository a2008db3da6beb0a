package io.streamspace.agent.adapter.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.domain.metrics.CommandOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolAuditTest {

    @Test
    void theShapeNamesKeysAndTypesButNoValue() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("project", "shop");
        args.put("compose", "services: {password: hunter2}");
        args.put("env", Map.of("DB_PASSWORD", "hunter2", "TAG", "1"));
        args.put("tail", 10);
        args.put("ratio", 0.5);
        args.put("all", true);
        args.put("list", List.of(1, 2));
        args.put("nothing", null);
        args.put("we\"ird key", "x");

        String shape = ToolAudit.shape(args);
        assertThat(shape).isEqualTo("{all:boolean, compose:string, env:object(2), list:array(2), nothing:null,"
                + " project:string, ratio:number, tail:integer, we?ird?key:string}");
        assertThat(shape).doesNotContain("hunter2", "DB_PASSWORD", "shop");
        assertThat(ToolAudit.shape(null)).isEqualTo("{}");
    }

    @Test
    void everyCallIsCountedAsItsToolBySuccessOrFailure() {
        List<String> counted = new ArrayList<>();
        ToolAudit audit = new ToolAudit((action, outcome) -> counted.add(action + ":" + outcome), "stdio");
        audit.record("engine_info", Map.of(), ToolAudit.Outcome.OK, 1_000_000, null);
        audit.record("container_stop", Map.of("container", "x"), ToolAudit.Outcome.REFUSED, 1_000_000, "disabled");
        audit.record("container_logs", Map.of(), ToolAudit.Outcome.INVALID, 1_000_000, "bad");
        assertThat(counted).containsExactly("mcp_engine_info:" + CommandOutcome.SUCCESS,
                "mcp_container_stop:" + CommandOutcome.FAILURE, "mcp_container_logs:" + CommandOutcome.FAILURE);
    }
}

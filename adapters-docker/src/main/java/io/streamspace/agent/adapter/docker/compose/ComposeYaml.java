package io.streamspace.agent.adapter.docker.compose;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamspace.agent.application.port.out.StackRuntime;
import io.streamspace.agent.domain.compose.ComposeFileException;
import java.util.Map;

/**
 * Reads the text of a Compose file into plain maps, lists and scalars (Jackson YAML; anchors and merge keys are
 * resolved by the parser). Syntax errors name the source and the parser's line and column.
 */
public final class ComposeYaml implements StackRuntime.ComposeFileReader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Override
    public Map<String, Object> read(String text, String source) {
        if (text == null || text.isBlank()) {
            throw new ComposeFileException("", source + " is empty");
        }
        try {
            Map<String, Object> document = YAML.readValue(text, new TypeReference<Map<String, Object>>() { });
            if (document == null) {
                throw new ComposeFileException("", source + " is empty");
            }
            return document;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ComposeFileException("", source + " is not a YAML mapping" + where + ": " + e.getOriginalMessage());
        }
    }
}

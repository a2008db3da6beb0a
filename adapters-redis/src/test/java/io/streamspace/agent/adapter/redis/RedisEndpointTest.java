package io.streamspace.agent.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedisEndpointTest {

    @Test
    void parsesTheSeedsForm() {
        RedisEndpoint e = RedisEndpoint.parse("redis://redis:6379/0");
        assertThat(e).isEqualTo(new RedisEndpoint(false, "redis", 6379, 0, null, null));
        assertThat(e.redacted()).isEqualTo("redis://redis:6379/0");
    }

    @Test
    void defaultsPortAndDatabase() {
        assertThat(RedisEndpoint.parse("redis://localhost")).isEqualTo(new RedisEndpoint(false, "localhost", 6379, 0, null, null));
        assertThat(RedisEndpoint.parse("redis://localhost/")).isEqualTo(new RedisEndpoint(false, "localhost", 6379, 0, null, null));
    }

    @Test
    void aclUserAndPasswordTlsAndDatabaseNeverShowThePassword() {
        RedisEndpoint e = RedisEndpoint.parse("rediss://agent:p%40ss:w0rd@cache.example:6380/3");
        assertThat(e.tls()).isTrue();
        assertThat(e.user()).isEqualTo("agent");
        assertThat(e.password()).isEqualTo("p@ss:w0rd");
        assertThat(e.database()).isEqualTo(3);
        assertThat(e.port()).isEqualTo(6380);
        assertThat(e.redacted()).isEqualTo("rediss://agent@cache.example:6380/3");
        assertThat(e.toString()).doesNotContain("w0rd");
    }

    @Test
    void passwordOnlyForms() {
        assertThat(RedisEndpoint.parse("redis://:secret@h:1/0").password()).isEqualTo("secret");
        assertThat(RedisEndpoint.parse("redis://:secret@h:1/0").user()).isNull();
        assertThat(RedisEndpoint.parse("redis://secret@h:1/0").password()).isEqualTo("secret");
        assertThat(RedisEndpoint.parse("redis://secret@h:1/0").redacted()).isEqualTo("redis://h:1/0");
    }

    @Test
    void clearErrorsThatNeverRepeatTheUrl() {
        assertThatThrownBy(() -> RedisEndpoint.parse("http://u:topsecret@h:1/0"))
                .hasMessageContaining("must start with redis:// or rediss://").hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> RedisEndpoint.parse("redis://u:top secret@h:1/0"))
                .hasMessageContaining("not a valid URL").hasMessageNotContaining("secret@");
        assertThatThrownBy(() -> RedisEndpoint.parse("redis://u:topsecret@h:1/zero"))
                .hasMessageContaining("database number, got 'zero'").hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> RedisEndpoint.parse(""))
                .hasMessageContaining("required");
    }
}

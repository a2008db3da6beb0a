package io.streamspace.agent.domain.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretRedactionTest {

    @Test
    void valuesOfSecretLookingVariablesAreReplacedWhereverTheyAppear() {
        SecretRedaction redaction = SecretRedaction.of(List.of("API_TOKEN=abc123xyz", "db_password=hunter22",
                "AWS_SECRET_ACCESS_KEY=AKIA-very-secret", "PATH=/usr/bin", "GREETING=hello"));

        String text = "connecting with abc123xyz\npassword hunter22 accepted\nkey AKIA-very-secret\nhello /usr/bin\n";
        assertThat(redaction.redact(text)).isEqualTo("connecting with [REDACTED:API_TOKEN]\n"
                + "password [REDACTED:db_password] accepted\nkey [REDACTED:AWS_SECRET_ACCESS_KEY]\nhello /usr/bin\n");
        assertThat(redaction.size()).isEqualTo(3);
    }

    @Test
    void aSecretContainingAnotherIsReplacedWhole() {
        SecretRedaction redaction = SecretRedaction.of(List.of("SHORT_KEY=abcd", "LONG_TOKEN=abcd-efgh"));
        assertThat(redaction.redact("x abcd-efgh y abcd")).isEqualTo("x [REDACTED:LONG_TOKEN] y [REDACTED:SHORT_KEY]");
    }

    @Test
    void veryShortValuesAreNotSearchedForButStillHiddenInTheEnvironment() {
        SecretRedaction redaction = SecretRedaction.of(List.of("PASSWORD=on", "MONKEY=1"));
        assertThat(redaction.redact("on 1 online")).isEqualTo("on 1 online");
        assertThat(SecretRedaction.environment(List.of("PASSWORD=on", "HOME=/root", "NOVALUE", "Passwd=x=y")))
                .containsExactly("PASSWORD=[REDACTED]", "HOME=/root", "NOVALUE", "Passwd=[REDACTED]");
    }

    @Test
    void namesAreMatchedWithoutRegardToCase() {
        assertThat(SecretRedaction.secretName("github_token")).isTrue();
        assertThat(SecretRedaction.secretName("Client-Secret")).isTrue();
        assertThat(SecretRedaction.secretName("SSH_KEYFILE")).isTrue();
        assertThat(SecretRedaction.secretName("USER")).isFalse();
        assertThat(SecretRedaction.secretName(null)).isFalse();
        assertThat(SecretRedaction.of(null).redact(null)).isNull();
    }
}

package io.streamspace.agent.application.port.out;

import java.time.Duration;

/** How the control plane answered a registration. */
public sealed interface RegistrationOutcome {

    /** 200/201, or 200 "approved" with a bootstrap key: go on and connect. */
    record Registered(String id, String status) implements RegistrationOutcome {}

    /** 202 with a bootstrap key: an operator has not approved this agent yet; ask again later. */
    record PendingApproval(String message) implements RegistrationOutcome {}

    /** 403 "rejected" with a bootstrap key: an operator said no; stop. */
    record Rejected(String message) implements RegistrationOutcome {}

    /** 400/401/403/404: the request or the credentials are wrong; an operator must act. */
    record Refused(int httpStatus, String error) implements RegistrationOutcome {}

    /** 429: wait at least {@code retryAfter}. */
    record RateLimited(Duration retryAfter) implements RegistrationOutcome {}

    /** 5xx or no answer at all: try again with backoff. */
    record Unavailable(String reason) implements RegistrationOutcome {}
}

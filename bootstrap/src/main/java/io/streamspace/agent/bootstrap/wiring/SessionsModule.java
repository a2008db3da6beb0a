package io.streamspace.agent.bootstrap.wiring;

import dagger.Module;
import dagger.Provides;
import io.streamspace.agent.application.service.ActiveSessions;

/** Session handling. Session commands arrive with the session lifecycle; until then the agent runs none. */
@Module
public final class SessionsModule {

    private SessionsModule() {
    }

    @Provides
    static ActiveSessions activeSessions() {
        return () -> 0;
    }
}

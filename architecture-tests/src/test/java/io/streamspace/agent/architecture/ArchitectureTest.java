package io.streamspace.agent.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The rules of {@link ArchitectureRules}, checked against the agent's production classes. They must all hold. */
class ArchitectureTest {

    private final JavaClasses agent = AgentClasses.production();

    @Test
    void importSeesEveryProductionModuleAndNoArchitectureTestClass() {
        var packages = StreamSupport.stream(agent.spliterator(), false).map(JavaClass::getPackageName).toList();

        assertThat(packages).anyMatch(p -> p.startsWith("io.streamspace.agent.domain"))
                .anyMatch(p -> p.startsWith("io.streamspace.agent.application.port.in"))
                .anyMatch(p -> p.startsWith("io.streamspace.agent.application.port.out"))
                .anyMatch(p -> p.startsWith("io.streamspace.agent.application.service"))
                .anyMatch(p -> p.startsWith("io.streamspace.agent.adapter.docker"))
                .anyMatch(p -> p.startsWith("io.streamspace.agent.adapter.websocket"))
                .anyMatch(p -> p.startsWith("io.streamspace.agent.bootstrap.wiring"))
                .anyMatch(p -> p.startsWith("io.streamspace.agent.testkit"))
                .noneMatch(p -> p.startsWith("io.streamspace.agent.architecture"));
        assertThat(agent.contain(ArchitectureTest.class)).isFalse();
        assertThat(agent.stream().flatMap(c -> c.getSource().stream()).map(source -> source.getUri().toString()))
                .noneMatch(uri -> uri.contains("/test-classes/") || uri.contains("-tests.jar"));
    }

    @Test
    void domainDependsOnlyOnAllowedJdkPackages() {
        ArchitectureRules.DOMAIN_DEPENDS_ONLY_ON_ALLOWED_JDK_PACKAGES.check(agent);
    }

    @Test
    void domainDoesNoIo() {
        ArchitectureRules.DOMAIN_DOES_NO_IO.check(agent);
    }

    @Test
    void domainStartsNoThreads() {
        ArchitectureRules.DOMAIN_STARTS_NO_THREADS.check(agent);
    }

    @Test
    void domainReadsNoClock() {
        ArchitectureRules.DOMAIN_READS_NO_CLOCK.check(agent);
    }

    @Test
    void domainAndApplicationUseNoInfrastructure() {
        ArchitectureRules.DOMAIN_AND_APPLICATION_USE_NO_INFRASTRUCTURE.check(agent);
    }

    @Test
    void adaptersDoNotDependOnEachOther() {
        ArchitectureRules.ADAPTERS_DO_NOT_DEPEND_ON_EACH_OTHER.check(agent);
    }

    @Test
    void onlyBootstrapSeesAdapters() {
        ArchitectureRules.ONLY_BOOTSTRAP_SEES_ADAPTERS.check(agent);
    }

    @Test
    void domainAndApplicationDoNotDependOnOuterRings() {
        ArchitectureRules.DOMAIN_AND_APPLICATION_DO_NOT_DEPEND_ON_OUTER_RINGS.check(agent);
    }

    @Test
    void onlyBootstrapDependsOnBootstrapAndTestkit() {
        ArchitectureRules.ONLY_BOOTSTRAP_DEPENDS_ON_BOOTSTRAP_AND_TESTKIT.check(agent);
    }

    @Test
    void topLevelPackagesAreFreeOfCycles() {
        ArchitectureRules.TOP_LEVEL_PACKAGES_ARE_FREE_OF_CYCLES.check(agent);
    }

    @Test
    void packagesAreFreeOfCycles() {
        ArchitectureRules.PACKAGES_ARE_FREE_OF_CYCLES.check(agent);
    }

    @Test
    void inboundAndOutboundPortsAreIndependent() {
        ArchitectureRules.INBOUND_AND_OUTBOUND_PORTS_ARE_INDEPENDENT.check(agent);
    }

    @Test
    void daggerOnlyInBootstrap() {
        ArchitectureRules.DAGGER_ONLY_IN_BOOTSTRAP.check(agent);
    }

    @Test
    void portsAreInterfacesOrValues() {
        ArchitectureRules.PORTS_ARE_INTERFACES_OR_VALUES.check(agent);
    }

    @Test
    void noJavaUtilLogging() {
        ArchitectureRules.NO_JAVA_UTIL_LOGGING.check(agent);
    }

    @Test
    void noStandardStreamsOutsideBootstrap() {
        ArchitectureRules.NO_STANDARD_STREAMS_OUTSIDE_BOOTSTRAP.check(agent);
    }

    @Test
    void domainThrowsNoGenericExceptions() {
        ArchitectureRules.DOMAIN_THROWS_NO_GENERIC_EXCEPTIONS.check(agent);
    }

    @Test
    void noFieldInjection() {
        ArchitectureRules.NO_FIELD_INJECTION.check(agent);
    }
}

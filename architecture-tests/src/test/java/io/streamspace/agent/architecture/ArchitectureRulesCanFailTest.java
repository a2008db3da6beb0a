package io.streamspace.agent.architecture;

import static io.streamspace.agent.architecture.AgentClasses.VIOLATIONS_ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import io.streamspace.agent.architecture.fixtures.violations.adapter.docker.DaggerModuleInAdapter;
import io.streamspace.agent.architecture.fixtures.violations.adapter.docker.DockerLeaderLock;
import io.streamspace.agent.architecture.fixtures.violations.adapter.docker.FieldInjectedAdapter;
import io.streamspace.agent.architecture.fixtures.violations.adapter.docker.JulLoggingAdapter;
import io.streamspace.agent.architecture.fixtures.violations.adapter.redis.PrintingAdapter;
import io.streamspace.agent.architecture.fixtures.violations.adapter.redis.RedisLeaderLock;
import io.streamspace.agent.architecture.fixtures.violations.adapter.websocket.BootstrapAwareAdapter;
import io.streamspace.agent.architecture.fixtures.violations.application.port.in.StartFixtureSession;
import io.streamspace.agent.architecture.fixtures.violations.application.port.in.StartFixtureSessionImpl;
import io.streamspace.agent.architecture.fixtures.violations.application.port.out.AbstractFixtureRuntime;
import io.streamspace.agent.architecture.fixtures.violations.application.port.out.FixtureRejectedException;
import io.streamspace.agent.architecture.fixtures.violations.application.port.out.FixtureRuntime;
import io.streamspace.agent.architecture.fixtures.violations.application.service.AdapterAwareService;
import io.streamspace.agent.architecture.fixtures.violations.application.service.CyclicService;
import io.streamspace.agent.architecture.fixtures.violations.application.service.DaggerLazyService;
import io.streamspace.agent.architecture.fixtures.violations.application.service.GeneratedFactoryLookalike;
import io.streamspace.agent.architecture.fixtures.violations.application.service.JacksonParsingService;
import io.streamspace.agent.architecture.fixtures.violations.bootstrap.FixtureMain;
import io.streamspace.agent.architecture.fixtures.violations.bootstrap.config.FixtureSettings;
import io.streamspace.agent.architecture.fixtures.violations.bootstrap.wiring.FixtureWiring;
import io.streamspace.agent.architecture.fixtures.violations.domain.ClockHoldingLease;
import io.streamspace.agent.architecture.fixtures.violations.domain.ClockReadingLease;
import io.streamspace.agent.architecture.fixtures.violations.domain.ClockReferencingLease;
import io.streamspace.agent.architecture.fixtures.violations.domain.CyclicEntity;
import io.streamspace.agent.architecture.fixtures.violations.domain.FileBackedJournal;
import io.streamspace.agent.architecture.fixtures.violations.domain.GenericThrowingEntity;
import io.streamspace.agent.architecture.fixtures.violations.domain.NetworkAwareSession;
import io.streamspace.agent.architecture.fixtures.violations.domain.ProcessSpawningPolicy;
import io.streamspace.agent.architecture.fixtures.violations.domain.ThreadStartingWatchdog;
import io.streamspace.agent.architecture.fixtures.violations.testkit.AdapterUsingSimulator;
import io.streamspace.agent.architecture.fixtures.violations.testkit.FixtureSimulator;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * Proof that every rule can fail: each one, built for the fixture root {@link AgentClasses#VIOLATIONS_ROOT}, must
 * reject the deliberately wrong classes there and name them, and must not name the fixtures that are allowed.
 */
class ArchitectureRulesCanFailTest {

    private final JavaClasses fixtures = AgentClasses.violations();

    @Test
    void domainDependsOnlyOnAllowedJdkPackages() {
        assertViolated(ArchitectureRules.domainDependsOnlyOnAllowedJdkPackages(VIOLATIONS_ROOT),
                NetworkAwareSession.class, FileBackedJournal.class, CyclicEntity.class)
                // processes and the environment are reachable through java.lang: that is the I/O rule's job
                .hasMessageNotContaining(ProcessSpawningPolicy.class.getName());
    }

    @Test
    void domainDoesNoIo() {
        assertViolated(ArchitectureRules.domainDoesNoIo(VIOLATIONS_ROOT),
                FileBackedJournal.class, NetworkAwareSession.class, ProcessSpawningPolicy.class)
                .hasMessageContaining("java.lang.ProcessBuilder")
                .hasMessageContaining("java.lang.System.getenv");
    }

    @Test
    void domainStartsNoThreads() {
        assertViolated(ArchitectureRules.domainStartsNoThreads(VIOLATIONS_ROOT), ThreadStartingWatchdog.class)
                .hasMessageContaining("java.lang.Thread")
                .hasMessageContaining("java.util.concurrent.Executors");
    }

    @Test
    void domainReadsNoClock() {
        assertViolated(ArchitectureRules.domainReadsNoClock(VIOLATIONS_ROOT),
                ClockReadingLease.class, ClockReferencingLease.class, ClockHoldingLease.class)
                .hasMessageContaining("java.time.Instant.now()")
                .hasMessageContaining("java.lang.System.currentTimeMillis()");
    }

    @Test
    void domainAndApplicationUseNoInfrastructure() {
        assertViolated(ArchitectureRules.domainAndApplicationUseNoInfrastructure(VIOLATIONS_ROOT),
                JacksonParsingService.class, DaggerLazyService.class, NetworkAwareSession.class)
                .hasMessageNotContaining(GeneratedFactoryLookalike.class.getName());
    }

    @Test
    void adaptersDoNotDependOnEachOther() {
        assertViolated(ArchitectureRules.adaptersDoNotDependOnEachOther(VIOLATIONS_ROOT),
                DockerLeaderLock.class, RedisLeaderLock.class);
    }

    @Test
    void onlyBootstrapSeesAdapters() {
        assertViolated(ArchitectureRules.onlyBootstrapSeesAdapters(VIOLATIONS_ROOT),
                AdapterAwareService.class, AdapterUsingSimulator.class)
                .hasMessageNotContaining(FixtureMain.class.getName());
    }

    @Test
    void domainAndApplicationDoNotDependOnOuterRings() {
        assertViolated(ArchitectureRules.domainAndApplicationDoNotDependOnOuterRings(VIOLATIONS_ROOT),
                AdapterAwareService.class, DockerLeaderLock.class);
    }

    @Test
    void onlyBootstrapDependsOnBootstrapAndTestkit() {
        assertViolated(ArchitectureRules.onlyBootstrapDependsOnBootstrapAndTestkit(VIOLATIONS_ROOT),
                BootstrapAwareAdapter.class, FixtureSettings.class, FixtureSimulator.class)
                .hasMessageNotContaining("Method <" + FixtureMain.class.getName());
    }

    @Test
    void topLevelPackagesAreFreeOfCycles() {
        assertViolated(ArchitectureRules.topLevelPackagesAreFreeOfCycles(VIOLATIONS_ROOT),
                CyclicEntity.class, CyclicService.class);
    }

    @Test
    void packagesAreFreeOfCycles() {
        assertViolated(ArchitectureRules.packagesAreFreeOfCycles(VIOLATIONS_ROOT),
                FixtureSettings.class, FixtureWiring.class, CyclicEntity.class, CyclicService.class);
    }

    @Test
    void packagesTakenAsOneHideOnlyTheirInnerCycles() {
        assertViolated(ArchitectureRules.packagesAreFreeOfCycles(VIOLATIONS_ROOT, "bootstrap"),
                CyclicEntity.class, CyclicService.class)
                .hasMessageNotContaining("bootstrap.config ->")
                .hasMessageNotContaining(FixtureWiring.class.getName());
    }

    @Test
    void inboundAndOutboundPortsAreIndependent() {
        assertViolated(ArchitectureRules.inboundAndOutboundPortsAreIndependent(VIOLATIONS_ROOT),
                StartFixtureSession.class, FixtureRuntime.class);
    }

    @Test
    void daggerOnlyInBootstrap() {
        assertViolated(ArchitectureRules.daggerOnlyInBootstrap(VIOLATIONS_ROOT),
                DaggerModuleInAdapter.class, DaggerLazyService.class)
                .hasMessageNotContaining(GeneratedFactoryLookalike.class.getName())
                .hasMessageNotContaining(FixtureMain.class.getName());
    }

    @Test
    void portsAreInterfacesOrValues() {
        assertViolated(ArchitectureRules.portsAreInterfacesOrValues(VIOLATIONS_ROOT),
                AbstractFixtureRuntime.class, StartFixtureSessionImpl.class)
                .hasMessageNotContaining("Class <" + FixtureRuntime.class.getName() + ">")
                .hasMessageNotContaining("Class <" + FixtureRuntime.FixtureRequest.class.getName() + ">")
                .hasMessageNotContaining("Class <" + FixtureRuntime.FixtureReason.class.getName() + ">")
                .hasMessageNotContaining("Class <" + FixtureRejectedException.class.getName() + ">")
                .hasMessageNotContaining("Class <" + StartFixtureSession.class.getName() + ">");
    }

    @Test
    void noJavaUtilLogging() {
        assertViolated(ArchitectureRules.noJavaUtilLogging(VIOLATIONS_ROOT), JulLoggingAdapter.class);
    }

    @Test
    void noStandardStreamsOutsideBootstrap() {
        assertViolated(ArchitectureRules.noStandardStreamsOutsideBootstrap(VIOLATIONS_ROOT), PrintingAdapter.class)
                .hasMessageNotContaining(FixtureMain.class.getName());
    }

    @Test
    void domainThrowsNoGenericExceptions() {
        assertViolated(ArchitectureRules.domainThrowsNoGenericExceptions(VIOLATIONS_ROOT), GenericThrowingEntity.class);
    }

    @Test
    void noFieldInjection() {
        assertViolated(ArchitectureRules.noFieldInjection(VIOLATIONS_ROOT), FieldInjectedAdapter.class);
    }

    /** A rule added later without a fixture would pass here silently; this makes it fail instead. */
    @Test
    void everyRuleFactoryFailsOnTheViolationsAndHasItsConstant() throws ReflectiveOperationException {
        Method[] factories = Arrays.stream(ArchitectureRules.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
                .filter(m -> m.getReturnType() == ArchRule.class)
                .toArray(Method[]::new);
        long constants = Arrays.stream(ArchitectureRules.class.getDeclaredFields())
                .filter(f -> Modifier.isPublic(f.getModifiers()) && f.getType() == ArchRule.class)
                .count();

        assertThat(factories).hasSize((int) constants).hasSizeGreaterThanOrEqualTo(18);
        for (Method factory : factories) {
            Object[] arguments = factory.isVarArgs()
                    ? new Object[] {VIOLATIONS_ROOT, new String[0]}
                    : new Object[] {VIOLATIONS_ROOT};
            ArchRule rule = (ArchRule) factory.invoke(null, arguments);
            assertThatThrownBy(() -> rule.check(fixtures))
                    .as(factory.getName())
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Architecture Violation");
        }
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertViolated(ArchRule rule, Class<?>... offenders) {
        String[] names = Stream.of(offenders).map(Class::getName).toArray(String[]::new);
        return assertThatThrownBy(() -> rule.check(fixtures))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Architecture Violation")
                .hasMessageContainingAll(names);
    }
}

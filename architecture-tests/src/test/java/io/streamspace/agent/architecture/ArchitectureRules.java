package io.streamspace.agent.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.conditions.ArchConditions.accessTargetWhere;
import static com.tngtech.archunit.lang.conditions.ArchConditions.be;
import static com.tngtech.archunit.lang.conditions.ArchConditions.beInterfaces;
import static com.tngtech.archunit.lang.conditions.ArchConditions.callConstructor;
import static com.tngtech.archunit.lang.conditions.ArchConditions.dependOnClassesThat;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.library.GeneralCodingRules.ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.GeneralCodingRules.BE_ANNOTATED_WITH_AN_INJECTION_ANNOTATION;
import static com.tngtech.archunit.library.GeneralCodingRules.THROW_GENERIC_EXCEPTIONS;
import static com.tngtech.archunit.library.GeneralCodingRules.USE_JAVA_UTIL_LOGGING;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.properties.CanBeAnnotated;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.io.Serializable;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * The architecture rules of {@code docs/architecture.md} ("Rules ArchUnit enforces"), as ArchUnit rules.
 *
 * <p>Every rule is built by a factory that takes the root package, so that the same rule runs against the
 * agent ({@link #ROOT}, where it must hold) and against the deliberately broken classes under
 * {@code io.streamspace.agent.architecture.fixtures.violations} (where it must fail). The constants are the
 * rules for the agent itself.
 *
 * <p>Package layout below a root: {@code domain..}, {@code application.port.in..},
 * {@code application.port.out..}, {@code application.service..}, {@code adapter.<name>..},
 * {@code bootstrap..} and {@code testkit..}.
 */
public final class ArchitectureRules {

    /** The agent's root package. */
    public static final String ROOT = "io.streamspace.agent";

    /** Libraries that belong to adapters or to bootstrap, never to the hexagon's inside. */
    static final Set<String> INFRASTRUCTURE_PACKAGES = Set.of(
            "com.github.dockerjava..", "redis.clients..", "java.net..", "com.fasterxml..", "dagger..", "org.slf4j..");

    // ---------------------------------------------------------------------------------------------
    // 1. The domain is pure Java: no I/O, no threads, no clocks.

    public static final ArchRule DOMAIN_DEPENDS_ONLY_ON_ALLOWED_JDK_PACKAGES = domainDependsOnlyOnAllowedJdkPackages(ROOT);
    public static final ArchRule DOMAIN_DOES_NO_IO = domainDoesNoIo(ROOT);
    public static final ArchRule DOMAIN_STARTS_NO_THREADS = domainStartsNoThreads(ROOT);
    public static final ArchRule DOMAIN_READS_NO_CLOCK = domainReadsNoClock(ROOT);

    // 2. No infrastructure libraries inside the hexagon.
    public static final ArchRule DOMAIN_AND_APPLICATION_USE_NO_INFRASTRUCTURE = domainAndApplicationUseNoInfrastructure(ROOT);

    // 3. Adapters are independent plug-ins that only bootstrap sees.
    public static final ArchRule ADAPTERS_DO_NOT_DEPEND_ON_EACH_OTHER = adaptersDoNotDependOnEachOther(ROOT);
    public static final ArchRule ONLY_BOOTSTRAP_SEES_ADAPTERS = onlyBootstrapSeesAdapters(ROOT);
    public static final ArchRule DOMAIN_AND_APPLICATION_DO_NOT_DEPEND_ON_OUTER_RINGS = domainAndApplicationDoNotDependOnOuterRings(ROOT);
    public static final ArchRule ONLY_BOOTSTRAP_DEPENDS_ON_BOOTSTRAP_AND_TESTKIT = onlyBootstrapDependsOnBootstrapAndTestkit(ROOT);

    // 4. No cycles.
    public static final ArchRule TOP_LEVEL_PACKAGES_ARE_FREE_OF_CYCLES = topLevelPackagesAreFreeOfCycles(ROOT);
    /** Every package at every depth, bootstrap included. */
    public static final ArchRule PACKAGES_ARE_FREE_OF_CYCLES = packagesAreFreeOfCycles(ROOT);
    public static final ArchRule INBOUND_AND_OUTBOUND_PORTS_ARE_INDEPENDENT = inboundAndOutboundPortsAreIndependent(ROOT);

    // 5. Dagger is the composition root's business.
    public static final ArchRule DAGGER_ONLY_IN_BOOTSTRAP = daggerOnlyInBootstrap(ROOT);

    // 6. Ports describe roles; general coding rules.
    public static final ArchRule PORTS_ARE_INTERFACES_OR_VALUES = portsAreInterfacesOrValues(ROOT);
    public static final ArchRule NO_JAVA_UTIL_LOGGING = noJavaUtilLogging(ROOT);
    public static final ArchRule NO_STANDARD_STREAMS_OUTSIDE_BOOTSTRAP = noStandardStreamsOutsideBootstrap(ROOT);
    public static final ArchRule DOMAIN_THROWS_NO_GENERIC_EXCEPTIONS = domainThrowsNoGenericExceptions(ROOT);
    public static final ArchRule NO_FIELD_INJECTION = noFieldInjection(ROOT);

    private ArchitectureRules() {
    }

    // ---------------------------------------------------------------------------------------------
    // 1. Domain purity

    /**
     * The domain sees only {@code java.lang..}, {@code java.util..}, {@code java.time..}, {@code java.math..},
     * {@link Serializable} and itself: no {@code java.io} (file access, streams), {@code java.nio}, {@code java.net},
     * no application, no library.
     */
    public static ArchRule domainDependsOnlyOnAllowedJdkPackages(String root) {
        return classes().that().resideInAPackage(domain(root))
                .should().onlyDependOnClassesThat(
                        resideInAnyPackage(domain(root), "java.lang..", "java.util..", "java.time..", "java.math..")
                                .or(type(Serializable.class)))
                .as("the domain (" + domain(root) + ") should only depend on java.lang, java.util, java.time,"
                        + " java.math, java.io.Serializable and itself")
                .because("the domain is java.base only and does no I/O (docs/architecture.md)");
    }

    /**
     * The I/O a domain could reach even inside the allowed packages, plus the obvious outside ones (named explicitly so
     * the rule stays meaningful if the allow-list above is ever widened): files, sockets, processes, the environment.
     */
    public static ArchRule domainDoesNoIo(String root) {
        DescribedPredicate<JavaClass> ioTypes = resideInAnyPackage(
                        "java.io..", "java.nio..", "java.net..", "java.util.prefs..", "java.util.jar..", "java.util.zip..")
                .and(DescribedPredicate.not(type(Serializable.class)))
                .or(nameMatching("java\\.lang\\.(Process|ProcessBuilder|ProcessHandle|Runtime)(\\$.*)?"))
                .as("file, stream, socket or process types");
        DescribedPredicate<JavaAccess<?>> environmentAccess = DescribedPredicate.describe(
                "System.getenv/getProperty/getProperties/exit",
                access -> ownedBy(access.getTarget(), "java.lang.System")
                        && Set.of("getenv", "getProperty", "getProperties", "exit").contains(access.getTarget().getName()));
        return noClasses().that().resideInAPackage(domain(root))
                .should(dependOnClassesThat(ioTypes).or(accessTargetWhere(environmentAccess)))
                .as("the domain (" + domain(root) + ") should not touch files, streams, sockets, processes or the"
                        + " environment")
                .because("I/O belongs to adapters; the domain gets values, not resources (docs/architecture.md)");
    }

    /** No threads, thread-locals, timers or executors in the domain: concurrency is the application's business. */
    public static ArchRule domainStartsNoThreads(String root) {
        DescribedPredicate<HasName> threading = nameMatching(
                        "java\\.lang\\.(Thread|ThreadGroup|ThreadLocal|InheritableThreadLocal|ScopedValue)(\\$.*)?")
                .or(nameMatching("java\\.util\\.(Timer|TimerTask)(\\$.*)?"))
                .or(nameMatching("java\\.util\\.concurrent\\.(\\w*Executor\\w*|ThreadFactory|ForkJoin\\w*|Recursive\\w*"
                        + "|\\w*Future\\w*|Completion\\w*|StructuredTaskScope)(\\$.*)?"))
                .as("threads, timers or executors");
        return noClasses().that().resideInAPackage(domain(root))
                .should().dependOnClassesThat(threading)
                .as("the domain (" + domain(root) + ") should not use threads, timers or executors")
                .because("the domain holds state and decisions; who runs them when is decided outside"
                        + " (docs/architecture.md)");
    }

    /**
     * Time is passed in: no {@code Clock}/{@code InstantSource}, no {@code now()} of any {@code java.time} type (called
     * or referenced as {@code Instant::now}), no {@code System.currentTimeMillis()/nanoTime()}, no {@code new Date()}.
     */
    public static ArchRule domainReadsNoClock(String root) {
        DescribedPredicate<HasName> clocks = nameMatching("java\\.time\\.(Clock|InstantSource)(\\$.*)?")
                .as("java.time.Clock or java.time.InstantSource");
        DescribedPredicate<JavaAccess<?>> readsClock = DescribedPredicate.describe(
                "a read of the system clock (java.time *.now(), System.currentTimeMillis(), System.nanoTime())",
                access -> {
                    AccessTarget target = access.getTarget();
                    String owner = target.getOwner().getName();
                    return owner.startsWith("java.time.") && target.getName().equals("now")
                            || owner.equals("java.lang.System")
                            && (target.getName().equals("currentTimeMillis") || target.getName().equals("nanoTime"));
                });
        return noClasses().that().resideInAPackage(domain(root))
                .should(dependOnClassesThat(clocks)
                        .or(accessTargetWhere(readsClock))
                        .or(callConstructor(Date.class)))
                .as("the domain (" + domain(root) + ") should not read a clock")
                .because("time is passed in, so domain decisions are deterministic and testable (docs/architecture.md)");
    }

    // ---------------------------------------------------------------------------------------------
    // 2. No infrastructure inside the hexagon

    /**
     * No Docker, Redis, network, Jackson, Dagger or SLF4J in {@code domain..} or {@code application..}. Classes that
     * Dagger generates into the application's packages (factories for {@code @Inject} constructors, compiled in
     * bootstrap) are not written by anyone and are left out.
     */
    public static ArchRule domainAndApplicationUseNoInfrastructure(String root) {
        return noClasses().that().resideInAnyPackage(domain(root), application(root))
                .and(DescribedPredicate.not(generatedByDagger()))
                .should().dependOnClassesThat().resideInAnyPackage(INFRASTRUCTURE_PACKAGES.toArray(String[]::new))
                .as("domain and application should not depend on " + String.join(", ", sorted(INFRASTRUCTURE_PACKAGES)))
                .because("infrastructure is plugged in through ports by adapters (docs/architecture.md)");
    }

    // ---------------------------------------------------------------------------------------------
    // 3. Adapters

    /** Each {@code adapter.X} is a separate plug-in: it never sees {@code adapter.Y}. */
    public static ArchRule adaptersDoNotDependOnEachOther(String root) {
        return slices().matching(root + ".adapter.(*)..").namingSlices("adapter $1")
                .should().notDependOnEachOther()
                .as("adapters (" + root + ".adapter.*) should not depend on each other")
                .because("adapters are swapped independently; only bootstrap sees all of them (docs/architecture.md)");
    }

    /** Adapters are used by nobody but themselves and the composition root. */
    public static ArchRule onlyBootstrapSeesAdapters(String root) {
        return classes().that().resideInAPackage(root + ".adapter..")
                .should().onlyHaveDependentClassesThat().resideInAnyPackage(root + ".adapter..", bootstrap(root))
                .as("adapters (" + root + ".adapter..) should only be used by adapters and bootstrap")
                .because("only bootstrap sees the adapters (docs/architecture.md)");
    }

    /** The inside of the hexagon never reaches out to adapters, bootstrap or the test kit. */
    public static ArchRule domainAndApplicationDoNotDependOnOuterRings(String root) {
        return noClasses().that().resideInAnyPackage(domain(root), application(root))
                .should().dependOnClassesThat().resideInAnyPackage(root + ".adapter..", bootstrap(root), testkit(root))
                .as("domain and application should not depend on adapters, bootstrap or testkit")
                .because("dependencies point inwards: adapters implement the application's ports (docs/architecture.md)");
    }

    /** Bootstrap is the composition root and the test kit is test tooling: no other production code uses them. */
    public static ArchRule onlyBootstrapDependsOnBootstrapAndTestkit(String root) {
        return noClasses().that().resideInAPackage(root + "..")
                .and().resideOutsideOfPackages(bootstrap(root), testkit(root))
                .should().dependOnClassesThat().resideInAnyPackage(bootstrap(root), testkit(root))
                .as("only bootstrap should depend on bootstrap and testkit")
                .because("bootstrap wires everything and may embed the simulator (`docker-agent dev`); nothing"
                        + " depends on the wiring or on test tooling (docs/architecture.md)");
    }

    // ---------------------------------------------------------------------------------------------
    // 4. Cycles

    /** No cycles between domain, application, adapter, bootstrap and testkit. */
    public static ArchRule topLevelPackagesAreFreeOfCycles(String root) {
        return slices().matching(root + ".(*)..").namingSlices("$1")
                .should().beFreeOfCycles()
                .as("the top-level packages of " + root + " should be free of cycles");
    }

    /**
     * No cycles between any two packages, at every depth. The packages named in {@code checkedAsOne} (relative to the
     * root, e.g. {@code "bootstrap"}) are taken as one slice together with their subpackages: cycles inside them are
     * not counted, cycles between them and the rest are.
     */
    public static ArchRule packagesAreFreeOfCycles(String root, String... checkedAsOne) {
        List<String> wholes = List.of(checkedAsOne);
        SliceAssignment byPackage = new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String name = javaClass.getPackageName();
                if (!name.startsWith(root + ".")) {
                    return SliceIdentifier.ignore();
                }
                String relative = name.substring(root.length() + 1);
                return SliceIdentifier.of(wholes.stream()
                        .filter(whole -> relative.equals(whole) || relative.startsWith(whole + "."))
                        .findFirst()
                        .orElse(relative));
            }

            @Override
            public String getDescription() {
                return "packages of " + root + (wholes.isEmpty() ? "" : " (" + String.join(", ", wholes) + " as one)");
            }
        };
        return slices().assignedFrom(byPackage)
                .should().beFreeOfCycles()
                .as("the " + byPackage.getDescription() + " should be free of cycles");
    }

    /** Use cases ({@code port.in}) and the ports they need ({@code port.out}) are described independently. */
    public static ArchRule inboundAndOutboundPortsAreIndependent(String root) {
        return slices().matching(root + ".application.port.(*)..").namingSlices("port.$1")
                .should().notDependOnEachOther()
                .as("port.in and port.out should not depend on each other")
                .because("services connect use cases to outbound ports; the ports do not know each other"
                        + " (docs/architecture.md)");
    }

    // ---------------------------------------------------------------------------------------------
    // 5. Dagger

    /**
     * {@code dagger..} is used only in bootstrap. Dagger itself generates factories next to classes with an
     * {@code @Inject} constructor (e.g. {@code application.service.CommandRouter_Factory}); those are compiled into the
     * bootstrap jar and marked {@code @DaggerGenerated}, so they are not counted. Adapters and services may carry
     * {@code jakarta.inject.Inject}, which is not Dagger.
     */
    public static ArchRule daggerOnlyInBootstrap(String root) {
        return noClasses().that().resideInAPackage(root + "..")
                .and().resideOutsideOfPackage(bootstrap(root))
                .and(DescribedPredicate.not(generatedByDagger()))
                .should().dependOnClassesThat().resideInAPackage("dagger..")
                .as("dagger.. should only be used in bootstrap")
                .because("Dagger wires the ports and adapters in bootstrap; elsewhere only jakarta.inject.Inject"
                        + " constructors (docs/architecture.md)");
    }

    // ---------------------------------------------------------------------------------------------
    // 6. Ports and general coding rules

    /**
     * Ports describe roles: interfaces, plus the values that travel through them (records, enums) and their exceptions.
     * Enums count as values like records do (e.g. {@code ServeControlPlane.StopReason}); no class with behaviour of its
     * own belongs here.
     */
    public static ArchRule portsAreInterfacesOrValues(String root) {
        return classes().that().resideInAnyPackage(portIn(root), portOut(root))
                .should(beInterfaces()
                        .or(be(DescribedPredicate.describe("a record", JavaClass::isRecord)))
                        .or(be(DescribedPredicate.describe("an enum", JavaClass::isEnum)))
                        .or(be(assignableTo(Throwable.class).and(simpleNameEndingWith("Exception"))
                                .as("an exception named *Exception"))))
                .as("classes in port.in and port.out should be interfaces, records, enums or exceptions")
                .because("a port describes a role; its implementation lives in a service or an adapter");
    }

    /** Logging goes through SLF4J (or {@code System.Logger}, bridged to SLF4J), never {@code java.util.logging}. */
    public static ArchRule noJavaUtilLogging(String root) {
        return noClasses().that().resideInAPackage(root + "..")
                .should(USE_JAVA_UTIL_LOGGING)
                .as("no classes of " + root + " should use java.util.logging")
                .because("logging is SLF4J + Logback, configured in bootstrap (docs/architecture.md)");
    }

    /** Only the CLI (bootstrap) writes to the console; everything else logs. */
    public static ArchRule noStandardStreamsOutsideBootstrap(String root) {
        return noClasses().that().resideInAPackage(root + "..")
                .and().resideOutsideOfPackage(bootstrap(root))
                .should(ACCESS_STANDARD_STREAMS)
                .as("no classes outside bootstrap should access System.out, System.err or printStackTrace()")
                .because("the CLI owns the console; everything else logs");
    }

    /** The domain throws specific exceptions, not {@code Exception}/{@code RuntimeException}/{@code Throwable}. */
    public static ArchRule domainThrowsNoGenericExceptions(String root) {
        return noClasses().that().resideInAPackage(domain(root))
                .should(THROW_GENERIC_EXCEPTIONS)
                .as("the domain (" + domain(root) + ") should not throw generic exceptions");
    }

    /** Injection through constructors only (the doc allows a {@code jakarta.inject.Inject} constructor). */
    public static ArchRule noFieldInjection(String root) {
        return noFields().that().areDeclaredInClassesThat().resideInAPackage(root + "..")
                .should(BE_ANNOTATED_WITH_AN_INJECTION_ANNOTATION)
                .as("no fields of " + root + " should be injected")
                .because("adapters and services take their collaborators in an @Inject constructor"
                        + " (docs/architecture.md)");
    }

    // ---------------------------------------------------------------------------------------------

    /** Classes Dagger's annotation processor wrote (they carry the class-retained {@code @DaggerGenerated}). */
    static DescribedPredicate<CanBeAnnotated> generatedByDagger() {
        return annotatedWith("dagger.internal.DaggerGenerated").as("generated by Dagger");
    }

    private static boolean ownedBy(AccessTarget target, String className) {
        return target.getOwner().getName().equals(className);
    }

    private static String domain(String root) {
        return root + ".domain..";
    }

    private static String application(String root) {
        return root + ".application..";
    }

    private static String portIn(String root) {
        return root + ".application.port.in..";
    }

    private static String portOut(String root) {
        return root + ".application.port.out..";
    }

    private static String bootstrap(String root) {
        return root + ".bootstrap..";
    }

    private static String testkit(String root) {
        return root + ".testkit..";
    }

    private static List<String> sorted(Set<String> packages) {
        return packages.stream().sorted().toList();
    }
}

package io.streamspace.agent.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** The classes the rules are checked against, imported once per test JVM. */
final class AgentClasses {

    /** The root of the deliberately broken fixture classes; its layout mirrors the agent's. */
    static final String VIOLATIONS_ROOT = "io.streamspace.agent.architecture.fixtures.violations";

    private static final String ARCHITECTURE_TESTS_PATH = "/io/streamspace/agent/architecture/";

    private static JavaClasses production;
    private static JavaClasses violations;

    private AgentClasses() {
    }

    /**
     * The production classes of every module ({@code src/main/java} of domain, application, adapters-*, bootstrap,
     * testkit, including what Dagger generated into bootstrap). Test classes are left out, and this module's own
     * classes (rules and fixtures) are left out explicitly as well, in case they ever end up outside test-classes.
     */
    static synchronized JavaClasses production() {
        if (production == null) {
            production = new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .withImportOption(location -> !location.contains(ARCHITECTURE_TESTS_PATH))
                    .importPackages(ArchitectureRules.ROOT);
        }
        return production;
    }

    /** The fixture classes that break every rule on purpose. */
    static synchronized JavaClasses violations() {
        if (violations == null) {
            violations = new ClassFileImporter().importPackages(VIOLATIONS_ROOT);
        }
        return violations;
    }
}

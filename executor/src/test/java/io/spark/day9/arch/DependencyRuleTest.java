package io.spark.day9.arch;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.spark.day9.shadow.archfixture.HttpAwareShadowFixture;
import org.junit.jupiter.api.Test;

/**
 * The house rule (ARCHITECTURE.md, STYLE.md §1) as a test: domain packages are plain Java. They
 * never use Javalin or Prometheus, nor the adapters that do ({@code api}, {@code metrics},
 * {@code cli}); only the adapters and the one wiring class put them together. A failure names
 * each offending class, the class it uses and the source line.
 */
class DependencyRuleTest {

    /** Plain-Java packages, the coming snapshot, emergency and slo included. */
    static final String[] DOMAIN = {
        "io.spark.day9.queue..", "io.spark.day9.chaos..", "io.spark.day9.market..",
        "io.spark.day9.shadow..", "io.spark.day9.sim..", "io.spark.day9.jobs..",
        "io.spark.day9.audit..", "io.spark.day9.config..", "io.spark.day9.lifecycle..",
        "io.spark.day9.time..", "io.spark.day9.event..", "io.spark.day9.snapshot..",
        "io.spark.day9.emergency..", "io.spark.day9.slo..",
        "io.spark.day9.tape.."
    };

    /** What domain code must not use. */
    static final String[] ADAPTERS = {
        "io.javalin..", "io.prometheus..", "io.spark.day9.api..", "io.spark.day9.metrics..",
        "io.spark.day9.cli.."
    };

    /** The simulator's thin HTTP/WebSocket adapter: an adapter inside the sim package. */
    static final String SIM_ADAPTER = "io.spark.day9.sim.server..";

    static final ArchRule DOMAIN_IS_PLAIN_JAVA = noClasses()
            .that().resideInAnyPackage(DOMAIN)
            .and(not(resideInAnyPackage(SIM_ADAPTER)))
            .should().dependOnClassesThat().resideInAnyPackage(ADAPTERS)
            .because("domain packages are plain Java: adapters (api, metrics, cli) subscribe "
                    + "to their events and call them, never the other way round");

    @Test
    void domainPackagesNeverUseJavalinPrometheusOrTheAdapters() {
        JavaClasses main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.spark.day9");
        DOMAIN_IS_PLAIN_JAVA.check(main);
    }

    @Test
    void aDomainClassUsingJavalinFailsTheRuleNamingTheClassAndTheImport() {
        JavaClasses fixture = new ClassFileImporter()
                .importClasses(HttpAwareShadowFixture.class);
        assertThatThrownBy(() -> DOMAIN_IS_PLAIN_JAVA.check(fixture))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(HttpAwareShadowFixture.class.getName())
                .hasMessageContaining("io.javalin.http.Context");
    }
}

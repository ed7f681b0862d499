package dev.warren.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.LocationProvider;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;

/**
 * The layering inside the API and the core, as rules that fail the build.
 *
 * <p>What the API and the core may use from other modules and libraries is in {@link
 * ModuleBoundariesTest}.
 */
@AnalyzeClasses(locations = LayeringTest.ApiAndCore.class)
class LayeringTest {
  @ArchTest
  static final ArchRule lineageApiDependsOnTheEventApiOnly =
      classes()
          .that()
          .resideInAPackage("dev.warren.lineage..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("dev.warren", "dev.warren.lineage..", "java..")
          .because("the lineage API is part of what users compile against");

  @ArchTest
  static final ArchRule taskApiDependsOnTheEventApiOnly =
      classes()
          .that()
          .resideInAPackage("dev.warren.tasks..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("dev.warren", "dev.warren.tasks..", "java..")
          .because("the task API is part of what users compile against");

  @ArchTest
  static final ArchRule transportSpiDoesNotKnowImplementations =
      noClasses()
          .that()
          .resideInAPackage("dev.warren.transport..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.warren.internal..");

  @ArchTest
  static final ArchRule engineIsTransportNeutral =
      noClasses()
          .that()
          .resideInAPackage("dev.warren.internal.engine..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.warren.internal.memory..")
          .because("the engine works against the transport SPI only");

  /** The production classes of warren-api and warren-core, as the build just compiled them. */
  static final class ApiAndCore implements LocationProvider {
    @Override
    public Set<Location> get(Class<?> testClass) {
      return Set.of(
          Location.of(Modules.classesOf(Modules.API)),
          Location.of(Modules.classesOf(Modules.CORE)));
    }
  }
}

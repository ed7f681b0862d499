package dev.warren.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The layering of the API and the core, as rules that fail the build. */
@AnalyzeClasses(packages = "dev.warren", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  @ArchTest
  static final ArchRule apiDependsOnNothingElseInTheProject =
      classes()
          .that()
          .resideInAnyPackage("dev.warren", "dev.warren.spi", "dev.warren.tasks..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              "dev.warren",
              "dev.warren.spi",
              "dev.warren.tasks..",
              "dev.warren.lineage..",
              "java..")
          .because("the API is what users compile against; it must stay free of implementation");

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

  @ArchTest
  static final ArchRule coreNeverImportsRabbitMq =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAPackage("com.rabbitmq..")
          .because("only the RabbitMQ module talks to amqp-client");
}

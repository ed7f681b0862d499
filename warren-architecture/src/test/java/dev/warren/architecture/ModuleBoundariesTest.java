package dev.warren.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static dev.warren.architecture.Modules.API;
import static dev.warren.architecture.Modules.BENCH;
import static dev.warren.architecture.Modules.CORE;
import static dev.warren.architecture.Modules.RABBITMQ;
import static dev.warren.architecture.Modules.TESTKIT;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Which module may use what, checked over the production classes of every module of the build.
 *
 * <p>A failure names each offending class, every class it must not use, and where it first uses
 * each one.
 */
class ModuleBoundariesTest {
  @TestFactory
  Stream<DynamicTest> onlyTheCoreUsesItsInternals() {
    return forEachModuleExcept(
        Set.of(CORE),
        module ->
            mustNotUse(
                module,
                inPackage("dev.warren.internal.."),
                "the engine's implementation is private to warren-core; other modules go through"
                    + " the API (dev.warren..)"));
  }

  @TestFactory
  Stream<DynamicTest> onlyTheCoreAndTheTransportsUseTheTransportSpi() {
    return forEachModuleExcept(
        Set.of(CORE, RABBITMQ, TESTKIT),
        module ->
            mustNotUse(
                module,
                inPackage("dev.warren.transport.."),
                "the transport SPI is between the engine and the transports (in memory, RabbitMQ)"
                    + " and their contract suite; applications and operators use the API"));
  }

  @TestFactory
  Stream<DynamicTest> onlyTheRabbitMqModuleUsesTheRabbitMqClient() {
    // why: warren-bench measures Warren against the raw amqp-client and Spring AMQP, so it must
    // use them; it is not published and nothing depends on it
    return forEachModuleExcept(
        Set.of(RABBITMQ, BENCH),
        module ->
            mustNotUse(
                module,
                inPackage("com.rabbitmq.."),
                "broker specifics stay in warren-rabbitmq; the rest of Warren is broker-neutral"));
  }

  @Test
  void theApiDependsOnTheJdkOnly() {
    JavaClasses api = Modules.classes(API);
    Set<String> apiClasses =
        api.stream().map(JavaClass::getName).collect(Collectors.toUnmodifiableSet());
    DescribedPredicate<JavaClass> inTheApi =
        DescribedPredicate.describe("in " + API, type -> apiClasses.contains(type.getName()));
    mustNotUse(
            API,
            not(inPackage("java..")).and(not(inTheApi)).as("outside java.. and " + API),
            "the API is what users compile against: it needs no other module and no library")
        .check(api);
  }

  private static Stream<DynamicTest> forEachModuleExcept(
      Set<String> allowed, Function<String, ArchRule> rule) {
    return Modules.all().stream()
        .filter(module -> !allowed.contains(module))
        .map(
            module ->
                DynamicTest.dynamicTest(
                    module, () -> rule.apply(module).check(Modules.classes(module))));
  }

  private static ArchRule mustNotUse(
      String module, DescribedPredicate<? super JavaClass> forbidden, String reason) {
    return classes()
        .should(notUse(forbidden))
        .as("classes of " + module + " should not use classes " + forbidden.getDescription())
        .because(reason);
  }

  private static DescribedPredicate<JavaClass> inPackage(String packageIdentifier) {
    return resideInAPackage(packageIdentifier).as("in " + packageIdentifier);
  }

  /**
   * The use with the lower line number; a use in a signature has line 0, and a line in the body is
   * easier to find, so 0 loses.
   */
  private static Dependency earlier(Dependency one, Dependency other) {
    int oneLine = one.getSourceCodeLocation().getLineNumber();
    int otherLine = other.getSourceCodeLocation().getLineNumber();
    if (oneLine == 0 || otherLine == 0) {
      return oneLine == 0 ? other : one;
    }
    return otherLine < oneLine ? other : one;
  }

  /**
   * One violation per offending class, listing each forbidden class it uses once, with the place of
   * its first use; ArchUnit's own conditions report every call site, which buries the list.
   */
  private static ArchCondition<JavaClass> notUse(DescribedPredicate<? super JavaClass> forbidden) {
    return new ArchCondition<>("not use classes " + forbidden.getDescription()) {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        Map<String, Dependency> firstUse = new TreeMap<>();
        for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
          JavaClass target = dependency.getTargetClass().getBaseComponentType();
          if (!target.isPrimitive() && forbidden.test(target)) {
            firstUse.merge(target.getName(), dependency, ModuleBoundariesTest::earlier);
          }
        }
        if (!firstUse.isEmpty()) {
          String uses =
              firstUse.entrySet().stream()
                  .map(use -> use.getKey() + " " + use.getValue().getSourceCodeLocation())
                  .collect(Collectors.joining(", "));
          events.add(SimpleConditionEvent.violated(origin, origin.getName() + " uses " + uses));
        }
      }
    };
  }
}

package dev.warren.spring.boot.test;

import dev.warren.spring.boot.WarrenAutoConfiguration;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.autoconfigure.OverrideAutoConfiguration;
import org.springframework.boot.test.autoconfigure.json.AutoConfigureJson;
import org.springframework.boot.test.context.SpringBootTestContextBootstrapper;
import org.springframework.boot.test.context.filter.annotation.TypeExcludeFilters;
import org.springframework.test.context.BootstrapWith;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * A test slice for an application's Warren handlers: only Warren's auto-configuration, the JSON
 * mapper's, and the application's components that have {@code @WarrenListener} or
 * {@code @WarrenTask} methods (plus what {@link #includeFilters} adds), on the test harness ({@link
 * AutoConfigureWarrenHarness}). What those components need besides, the test provides
 * ({@code @Import}, {@code @MockitoBean}); properties go in {@code @TestPropertySource}.
 *
 * <pre>{@code
 * @WarrenTest
 * class UserCountersTest {
 *   @Autowired WarrenHarness harness;
 *   @Autowired UserCounters counters;
 *
 *   @Test
 *   void countsEachInteraction() {
 *     Event liked = harness.warren().publish(new Interaction("u-1", "p-1", "like")).join();
 *     harness.awaitHandled("user-counters", liked.id());
 *     assertThat(counters.count("u-1")).isEqualTo(1);
 *   }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@BootstrapWith(SpringBootTestContextBootstrapper.class)
@ExtendWith(SpringExtension.class)
@OverrideAutoConfiguration(enabled = false)
@TypeExcludeFilters(WarrenTypeExcludeFilter.class)
@AutoConfigureJson
@AutoConfigureWarrenHarness
@ImportAutoConfiguration(WarrenAutoConfiguration.class)
public @interface WarrenTest {
  /**
   * @return whether the default filters apply (components with Warren methods); when {@code false},
   *     only {@link #includeFilters} decide
   */
  boolean useDefaultFilters() default true;

  /**
   * @return more components to include
   */
  org.springframework.context.annotation.ComponentScan.Filter[] includeFilters() default {};

  /**
   * @return components to leave out
   */
  org.springframework.context.annotation.ComponentScan.Filter[] excludeFilters() default {};
}

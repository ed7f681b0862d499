package dev.warren.test;

import dev.warren.Warren;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The harness for {@code @ExtendWith}: each test gets a new {@link WarrenHarness} with the defaults
 * (a 10 s timeout, the clock starting at the real time), as a parameter of type {@link
 * WarrenHarness} or {@link Warren}, closed when the test ends. For other options, register a
 * harness built with {@link WarrenHarness#builder()} on a field with {@code @RegisterExtension}.
 *
 * <pre>{@code
 * @ExtendWith(WarrenHarnessExtension.class)
 * class ShippingTest {
 *   @Test
 *   void shipsPaidOrders(WarrenHarness harness, Warren warren) { ... }
 * }
 * }</pre>
 */
public final class WarrenHarnessExtension
    implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(WarrenHarnessExtension.class);

  /** Created by JUnit. */
  public WarrenHarnessExtension() {}

  @Override
  public void beforeEach(ExtensionContext context) {
    WarrenHarness harness = WarrenHarness.create();
    harness.warren();
    context.getStore(NAMESPACE).put(WarrenHarness.class, harness);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    WarrenHarness harness =
        context.getStore(NAMESPACE).remove(WarrenHarness.class, WarrenHarness.class);
    if (harness != null) {
      harness.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == WarrenHarness.class || type == Warren.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    WarrenHarness harness =
        context.getStore(NAMESPACE).get(WarrenHarness.class, WarrenHarness.class);
    if (harness == null) {
      throw new org.junit.jupiter.api.extension.ParameterResolutionException(
          "a WarrenHarness is given to test methods only, not to constructors or lifecycle methods");
    }
    return parameter.getParameter().getType() == Warren.class ? harness.warren() : harness;
  }
}

package dev.warren.spring.boot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Runs the application's Warren on the test harness: the {@code Warren} bean becomes the harness's
 * instance (the embedded transport on a broker of its own, a virtual clock), whatever {@code
 * warren.transport} and {@code warren.rabbitmq.url} say, and a {@code WarrenHarness} bean is there
 * to inject. The other {@code warren.*} properties, the application's JSON mapper and observation
 * registry still apply.
 *
 * <pre>{@code
 * @SpringBootTest
 * @AutoConfigureWarrenHarness
 * class CheckoutTest {
 *   @Autowired WarrenHarness harness;
 *   @Autowired Checkout checkout;
 *
 *   @Test
 *   void aPlacedOrderIsBilledAfterTheRetry() {
 *     checkout.place(order);
 *     harness.advance(Duration.ofMinutes(1));   // the billing retry, without waiting a minute
 *     assertThat(harness.awaitPublished("payment.captured").data(Payment.class).orderId())
 *         .isEqualTo(order.id());
 *   }
 * }
 * }</pre>
 *
 * <p>Spring caches the context, and so the harness, across the tests of a class and across classes
 * with the same configuration: what one test published, another can see, and the virtual clock does
 * not go back. Match on ids (as {@code awaitHandled} does), or mark a test that needs a fresh
 * harness with {@code @DirtiesContext}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration(WarrenHarnessAutoConfiguration.class)
public @interface AutoConfigureWarrenHarness {}

package dev.warren;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the event type (the routing key) of a typed event, so it can be published without naming
 * the type again.
 *
 * <pre>{@code
 * @EventType("virtual-key.updated")
 * record KeyChanged(long id) {}
 *
 * warren.publish(new KeyChanged(42)).join();
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventType {
  /**
   * @return the event type, dot-separated words such as {@code virtual-key.updated}
   */
  String value();
}

package dev.warren;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the record component whose value is the event's partition key: events of one key are
 * handled in publish order by an {@linkplain Subscription#ordered() ordered subscription}.
 *
 * <pre>{@code
 * @EventType("virtual-key.spend-requested")
 * record SpendRequested(@PartitionKey long virtualKeyId, BigDecimal amount) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.METHOD, ElementType.FIELD})
public @interface PartitionKey {}

package dev.warren.bench;

/**
 * A target checked against a result.
 *
 * @param scenario the scenario id
 * @param target what Warren should do, for example {@code Warren >= 0.9 x raw amqp-client}
 * @param actual what it did, for example {@code 0.97 x}
 * @param met whether it met the target
 */
public record TargetResult(String scenario, String target, String actual, boolean met) {}

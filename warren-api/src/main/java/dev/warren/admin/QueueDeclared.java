package dev.warren.admin;

/**
 * The outcome of {@link WarrenAdmin#declareQueue}.
 *
 * @param queue the queue as the broker now has it
 * @param created whether this call created it
 */
public record QueueDeclared(QueueInfo queue, boolean created) {}

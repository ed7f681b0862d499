/**
 * The CloudEvents envelope on the wire: {@link dev.warren.internal.envelope.AmqpBinding} maps an
 * event onto a transport message (binary content mode) and back.
 */
package dev.warren.internal.envelope;

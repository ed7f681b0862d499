/**
 * Each library's way of publishing with confirms and consuming with manual acks, behind one small
 * interface ({@link dev.warren.bench.clients.MessagingClient}), so a scenario drives Warren, the
 * raw amqp-client and Spring AMQP with the same loop. Also the run's virtual host ({@link
 * dev.warren.bench.clients.BenchBroker}).
 */
package dev.warren.bench.clients;

/**
 * Example 1, seeds 000 and 001: an LLM gateway. A publisher-only admin API announces key, spend and
 * provider changes; core instances invalidate their caches on a broadcast subscription, apply spend
 * in order per virtual key on an ordered one, and run image generation as tasks. Start reading at
 * {@link dev.warren.examples.gateway.GatewayExample}.
 */
package dev.warren.examples.gateway;

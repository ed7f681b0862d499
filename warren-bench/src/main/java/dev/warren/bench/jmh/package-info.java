/**
 * JMH benchmarks, for what a harness of rounds cannot measure finely: the in-memory transport's
 * cost per event against an {@link java.util.concurrent.ArrayBlockingQueue} hand-off (scenario 5).
 * Run with {@code ./warren bench jmh}; JMH's own options follow, for example {@code ./warren bench
 * jmh -f 1 -wi 3 -i 5 -bm avgt -tu ns}.
 */
package dev.warren.bench.jmh;

package dev.warren.rabbitmq;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.DeadLetter;
import dev.warren.DeadLetters;
import dev.warren.Event;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.testkit.TestBroker;
import dev.warren.transport.WarrenOnTransport;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with real pika (Python's AMQP client), when a Python with pika is installed ({@code
 * apt-get install python3-pika}); skipped otherwise, failed with {@code CI=true}. The script {@code
 * pika/publish_foreign.py} publishes a plain message, a CloudEvent with spec version 9.9, one with
 * an unreadable time and a message on a task queue that is no task.
 */
@Timeout(value = 120, unit = SECONDS)
class RabbitMqPikaTest {
  @RegisterExtension final TestBroker broker = TestBroker.perTest();

  @TempDir Path dir;

  private static String pythonWithPika() {
    for (String python : List.of("python3", "/usr/bin/python3")) {
      try {
        Process p =
            new ProcessBuilder(python, "-c", "import pika").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return python;
        }
      } catch (Exception e) {
        // try the next one
      }
    }
    return null;
  }

  @Test
  void messagesFromPikaAreNeitherDroppedNorCorrected() throws Exception {
    String python = pythonWithPika();
    if (python == null && "true".equalsIgnoreCase(System.getenv("CI"))) {
      // why: with CI=true a missing part is a failure, never a skip (.ci/services installs it)
      Assertions.fail("no Python with pika (apt-get install python3-pika); CI=true, so this fails");
    }
    Assumptions.assumeTrue(python != null, "no Python with pika (apt-get install python3-pika)");
    String prefix = "p" + UUID.randomUUID().toString().substring(0, 8);
    WarrenOptions options =
        broker
            .options()
            .exchange(prefix + ".events")
            .connectTimeout(Duration.ofSeconds(10))
            .shutdownTimeout(Duration.ofSeconds(5))
            .build();
    try (Warren warren = WarrenOnTransport.start(options, RabbitMqTransport.connect(options))) {
      List<Event> failingOnce = new CopyOnWriteArrayList<>();
      List<Event> other = new CopyOnWriteArrayList<>();
      warren.subscribe(
          Subscription.named(prefix + "-once")
              .pattern("pika.plain")
              .retry(
                  RetryPolicy.builder()
                      .immediateRetries(0)
                      .jitter(0)
                      .delays(Duration.ofMillis(50))
                      .build()),
          e -> {
            failingOnce.add(e);
            if (failingOnce.size() == 1) {
              throw new IllegalStateException("first attempt fails");
            }
          });
      warren.subscribe(Subscription.named(prefix + "-other").pattern("pika.plain"), other::add);
      String bad = prefix + "-bad";
      AtomicInteger badHandled = new AtomicInteger();
      warren.subscribe(
          Subscription.named(bad).pattern("pika.*"),
          e -> {
            if (!e.type().equals("pika.plain")) {
              badHandled.incrementAndGet();
            }
          });
      String taskQueue = prefix + "-tasks";
      AtomicInteger tasksRan = new AtomicInteger();
      warren.tasks().register(prefix + "-job", taskQueue, ctx -> tasksRan.incrementAndGet());

      Path script = dir.resolve("publish_foreign.py");
      try (InputStream in = getClass().getResourceAsStream("/pika/publish_foreign.py")) {
        Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
      }
      Process p =
          new ProcessBuilder(python, script.toString(), broker.uri(), prefix + ".events", taskQueue)
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();

      // one id, kept across subscriptions and the retry; the type is the routing key each time
      await().atMost(30, SECONDS).until(() -> failingOnce.size() == 2 && other.size() == 1);
      String id = other.get(0).id();
      assertThat(failingOnce).extracting(Event::id).containsOnly(id);
      assertThat(failingOnce).extracting(Event::type).containsOnly("pika.plain");

      // the bad spec version and the bad time: dead-lettered with the reason, never handled
      DeadLetters dlq = warren.deadLetters(bad);
      await().atMost(30, SECONDS).until(() -> dlq.count() == 2);
      Map<String, DeadLetter> dead =
          dlq.peek(10).stream().collect(Collectors.toMap(DeadLetter::id, d -> d));
      assertThat(dead.get("pika-spec").errorMessage()).contains("'9.9'");
      assertThat(dead.get("pika-time").errorMessage()).contains("'not a time'");
      assertThat(badHandled).hasValue(0);
      assertThat(dlq.replay(List.of("pika-spec"))).isEqualTo(1);
      await()
          .atMost(30, SECONDS)
          .ignoreExceptions()
          .until(
              () ->
                  dlq.peek(10).stream()
                      .anyMatch(d -> d.id().equals("pika-spec") && d.replays() == 1));

      // the message on the task queue that is no task
      await()
          .atMost(30, SECONDS)
          .ignoreExceptions()
          .until(() -> warren.deadLetters(taskQueue).count() == 1);
      assertThat(warren.deadLetters(taskQueue).peek(1).get(0).errorMessage())
          .contains("not a Warren task");
      assertThat(tasksRan).hasValue(0);
    }
  }
}

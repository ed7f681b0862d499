package dev.warren.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.RequestFailedException;
import dev.warren.RequestTimeoutException;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.WarrenClosedException;
import dev.warren.WarrenOptions;
import dev.warren.internal.memory.InMemoryBroker;
import dev.warren.internal.memory.InMemoryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pending requests are forgotten however they end: nothing accumulates in a requester. */
@Timeout(60)
class RequestsTest {
  private final InMemoryBroker broker = new InMemoryBroker();
  private final List<WarrenEngine> open = new ArrayList<>();
  private String prefix;

  @BeforeEach
  void start() {
    prefix = "r" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void stop() {
    open.forEach(WarrenEngine::close);
    broker.close();
  }

  private WarrenEngine newEngine() {
    WarrenOptions options =
        WarrenOptions.builder()
            .transport(WarrenOptions.TransportKind.MEMORY)
            .exchange(prefix + ".events")
            .instanceId(UUID.randomUUID().toString().substring(0, 8))
            .build();
    WarrenEngine engine = WarrenEngine.start(options, new InMemoryTransport(broker));
    open.add(engine);
    return engine;
  }

  private static Throwable cause(CompletableFuture<?> f) {
    try {
      f.join();
    } catch (CompletionException e) {
      return e.getCause();
    }
    throw new AssertionError("completed");
  }

  @Test
  void answeredTimedOutFailedAndCancelledRequestsLeaveNothingPending() {
    WarrenEngine responder = newEngine();
    responder.respond(
        Subscription.named(prefix + "-double").pattern("double.requested"),
        Integer.class,
        (n, e) -> n * 2);
    responder.respond(
        Subscription.named(prefix + "-fail").pattern("fail.requested").retry(RetryPolicy.none()),
        String.class,
        (s, e) -> {
          throw new IllegalArgumentException("bad " + s);
        });
    WarrenEngine requester = newEngine();

    List<CompletableFuture<Integer>> answered = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      answered.add(requester.request("double.requested", i, Integer.class, Duration.ofMinutes(1)));
    }
    answered.forEach(CompletableFuture::join);
    assertThat(requester.pendingRequests()).isZero();

    List<CompletableFuture<String>> unanswered = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      unanswered.add(
          requester.request("nobody.requested", "x", String.class, Duration.ofMillis(100)));
    }
    for (CompletableFuture<String> f : unanswered) {
      assertThat(cause(f)).isInstanceOf(RequestTimeoutException.class);
    }
    assertThat(requester.pendingRequests()).isZero();

    assertThat(cause(requester.request("fail.requested", "x", String.class, Duration.ofMinutes(1))))
        .isInstanceOf(RequestFailedException.class)
        .hasMessageContaining("bad x");
    assertThat(requester.pendingRequests()).isZero();

    CompletableFuture<String> cancelled =
        requester.request("nobody.requested", "x", String.class, Duration.ofMinutes(1));
    assertThat(requester.pendingRequests()).isOne();
    cancelled.cancel(false);
    assertThat(requester.pendingRequests()).isZero();
  }

  @Test
  void closingFailsEveryPendingRequestAtOnce() {
    WarrenEngine requester = newEngine();
    List<CompletableFuture<String>> waiting = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      waiting.add(requester.request("nobody.requested", "x", String.class, Duration.ofHours(1)));
    }
    assertThat(requester.pendingRequests()).isEqualTo(10);
    requester.close();
    for (CompletableFuture<String> f : waiting) {
      assertThat(f).isCompletedExceptionally();
      assertThat(cause(f))
          .isInstanceOf(WarrenClosedException.class)
          .hasMessageContaining("nobody.requested");
    }
    assertThat(requester.pendingRequests()).isZero();
    assertThat(cause(requester.request("a.b", "x", String.class, Duration.ofSeconds(1))))
        .isInstanceOf(WarrenClosedException.class);
  }

  @Test
  void aReplyAfterTheTimeoutIsDropped() throws Exception {
    WarrenEngine responder = newEngine();
    java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(1);
    responder.respond(
        Subscription.named(prefix + "-slow").pattern("slow.requested"),
        String.class,
        (s, e) -> {
          Thread.sleep(300);
          answered.countDown();
          return "late";
        });
    WarrenEngine requester = newEngine();
    assertThat(cause(requester.request("slow.requested", "x", String.class, Duration.ofMillis(50))))
        .isInstanceOf(RequestTimeoutException.class);
    assertThat(answered.await(5, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> requester.pendingRequests() == 0);
    assertThat(
            requester.request("slow.requested", "y", String.class, Duration.ofSeconds(10)).join())
        .isEqualTo("late");
  }

  @Test
  void aReplyThatCannotBeReadFailsTheRequestNamingTheType() {
    WarrenEngine responder = newEngine();
    responder.respond(
        Subscription.named(prefix + "-text").pattern("text.requested"),
        String.class,
        (s, e) -> "not a number");
    WarrenEngine requester = newEngine();
    assertThatThrownBy(
            () ->
                requester
                    .request("text.requested", "x", Integer.class, Duration.ofSeconds(10))
                    .join())
        .hasCauseInstanceOf(dev.warren.InvalidInputException.class)
        .hasMessageContaining("java.lang.Integer");
  }
}

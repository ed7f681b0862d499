package dev.warren.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.Event;
import dev.warren.InvalidInputException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The inbox on a real PostgreSQL: the side effect of an event happens once per subscription. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InboxTest {
  private Fixture f;
  private Outbox outbox;
  private Inbox inbox;

  @BeforeEach
  void setUp() throws Exception {
    f = new Fixture("warren_inbox");
    outbox = Outbox.create(f.pool, f.options().build());
    inbox = outbox.inbox();
  }

  @AfterEach
  void tearDown() {
    if (outbox != null) {
      outbox.close();
    }
    if (f != null) {
      f.close();
    }
  }

  private InboxHandler sideEffect(Event event) {
    return c -> {
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO " + f.schema + ".side_effect (event_id, key, n) VALUES (?, 'k', 1)")) {
        s.setString(1, event.id());
        s.executeUpdate();
      }
    };
  }

  @Test
  void aDuplicateChangesNothing() throws Exception {
    Event e = Fixture.step("k", 1);
    assertThat(inbox.handleOnce("billing", e, sideEffect(e))).isTrue();
    assertThat(inbox.handleOnce("billing", e, sideEffect(e))).isFalse();
    assertThat(f.sideEffects()).isEqualTo(1);
  }

  @Test
  void eachSubscriptionHandlesAnEventOnce() throws Exception {
    Event e = Fixture.step("k", 1);
    assertThat(inbox.handleOnce("billing", e, sideEffect(e))).isTrue();
    assertThat(inbox.handleOnce("shipping", e, sideEffect(e))).isTrue();
    assertThat(inbox.handleOnce("shipping", e, sideEffect(e))).isFalse();
    assertThat(f.sideEffects()).isEqualTo(2);
  }

  @Test
  void concurrentDeliveriesOfOneEventRunItOnce() throws Exception {
    Event e = Fixture.step("k", 1);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> runs = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(6)) {
      for (int i = 0; i < 6; i++) {
        runs.add(
            threads.submit(
                () -> {
                  go.await();
                  return inbox.handleOnce("billing", e, sideEffect(e));
                }));
      }
      go.countDown();
      long ran = 0;
      for (Future<Boolean> run : runs) {
        ran += run.get() ? 1 : 0;
      }
      assertThat(ran).isEqualTo(1);
    }
    assertThat(f.sideEffects()).isEqualTo(1);
  }

  @Test
  void workThatFailsIsRolledBackWithItsRecordAndRunsAgain() throws Exception {
    Event e = Fixture.step("k", 1);
    assertThatThrownBy(
            () ->
                inbox.handleOnce(
                    "billing",
                    e,
                    c -> {
                      sideEffect(e).handle(c);
                      throw new IllegalStateException("payment service down");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("payment service down");
    assertThat(f.sideEffects()).isZero();
    assertThat(inbox.handleOnce("billing", e, sideEffect(e))).isTrue();
    assertThat(f.sideEffects()).isEqualTo(1);
  }

  @Test
  void inTheCallersTransactionTheCallerDecides() throws Exception {
    Event e = Fixture.step("k", 1);
    try (Connection c = f.pool.getConnection()) {
      assertThatThrownBy(() -> inbox.handleOnce(c, "billing", e, sideEffect(e)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("auto-commit");
      c.setAutoCommit(false);
      assertThat(inbox.handleOnce(c, "billing", e, sideEffect(e))).isTrue();
      c.rollback();
      assertThat(inbox.handleOnce(c, "billing", e, sideEffect(e))).isTrue();
      c.commit();
      assertThat(inbox.handleOnce(c, "billing", e, sideEffect(e))).isFalse();
      c.commit();
      c.setAutoCommit(true);
    }
    assertThat(f.sideEffects()).isEqualTo(1);
  }

  @Test
  void aBlankSubscriptionIsRefused() {
    Event e = Fixture.step("k", 1);
    assertThatThrownBy(() -> inbox.handleOnce(" ", e, sideEffect(e)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("invalid inbox subscription ' '");
  }
}

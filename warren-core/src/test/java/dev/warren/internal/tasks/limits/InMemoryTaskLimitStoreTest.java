package dev.warren.internal.tasks.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.tasks.TaskLimits;
import dev.warren.tasks.spi.TaskPermit;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The permit rules on explicit times: leases, take-overs, the sliding rate window. */
class InMemoryTaskLimitStoreTest {
  private final InMemoryTaskLimitStore store = new InMemoryTaskLimitStore();
  private final Instant t0 = Instant.parse("2026-12-03T08:00:00Z");

  private TaskPermit take(String holder, String key, TaskLimits l, Instant now) {
    return store.acquire("report", key, holder, l, now, now.plusSeconds(30));
  }

  @Test
  void aLapsedLeaseFreesItsPermitAndATaskRunAgainTakesItsOwnOver() {
    TaskLimits one = TaskLimits.none().concurrency(1);

    assertThat(take("a", null, one, t0).granted()).isTrue();
    assertThat(take("b", null, one, t0.plusSeconds(1)).reason()).isEqualTo("concurrency 1 reached");
    assertThat(take("a", null, one, t0.plusSeconds(2)).granted())
        .as("the same task, delivered again, keeps its permit")
        .isTrue();
    assertThat(take("b", null, one, t0.plusSeconds(33)).granted())
        .as("a's lease (renewed at +2 s) ran out at +32 s")
        .isTrue();
    assertThat(store.usage("report", one, t0.plusSeconds(33)).running()).isEqualTo(1);
    assertThat(store.usage("report", one, t0.plusSeconds(33)).deferred()).isEqualTo(1);
  }

  @Test
  void perKeyPermitsCountByKeyAndARenewedLeaseHolds() {
    TaskLimits mutex = TaskLimits.none().perKeyConcurrency(1);

    assertThat(take("a", "c1", mutex, t0).granted()).isTrue();
    assertThat(take("b", "c2", mutex, t0).granted()).isTrue();
    assertThat(take("c", "c1", mutex, t0).granted()).isFalse();
    store.renew("report", "c1", "a", t0.plusSeconds(60));
    assertThat(take("c", "c1", mutex, t0.plusSeconds(45)).granted()).isFalse();
    store.release("report", "c1", "a");
    assertThat(take("c", "c1", mutex, t0.plusSeconds(46)).granted()).isTrue();
    assertThat(store.usage("report", mutex, t0.plusSeconds(46)).runningByKey())
        .containsEntry("c1", 1);
  }

  @Test
  void theRateWindowSlidesAndSaysWhenTheNextSlotFrees() {
    TaskLimits rate = TaskLimits.parse("2/s");

    assertThat(take("a", null, rate, t0).granted()).isTrue();
    assertThat(take("b", null, rate, t0.plusMillis(400)).granted()).isTrue();
    TaskPermit refused = take("c", null, rate, t0.plusMillis(900));
    assertThat(refused.granted()).isFalse();
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(101));
    assertThat(take("c", null, rate, t0.plusMillis(1000)).granted())
        .as("a's start left the window (now - 1 s, now]")
        .isTrue();
    assertThat(take("d", null, rate, t0.plusMillis(1399)).granted()).isFalse();
    assertThat(store.usage("report", rate, t0.plusMillis(1399)).startsInWindow()).isEqualTo(2);
  }
}

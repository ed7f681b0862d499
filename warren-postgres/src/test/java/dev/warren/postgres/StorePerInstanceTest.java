package dev.warren.postgres;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.Event;
import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.tasks.TaskHandle;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.TaskState;
import dev.warren.testkit.TestDatabase;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The store and the lineage switch are per instance: three instances in one JVM, one on the
 * in-memory store, one on PostgreSQL, one without lineage, each keep to their own options.
 */
@Timeout(value = 60, unit = SECONDS)
class StorePerInstanceTest {
  private static String schema;

  @BeforeAll
  static void useSchema() {
    schema = TestDatabase.newSchema("warren_store_per_instance");
  }

  @AfterAll
  static void dropSchema() {
    TestDatabase.drop(schema);
  }

  private static WarrenOptions.Builder memoryTransport() {
    return WarrenOptions.builder()
        .transport(WarrenOptions.TransportKind.MEMORY)
        .exchange("spi" + UUID.randomUUID().toString().substring(0, 8) + ".events");
  }

  private static TaskHandle<Object> runTask(Warren warren, String queue) {
    warren.tasks().register("thumbnail", queue, ctx -> "ok");
    TaskHandle<Object> h =
        warren.tasks().submit("thumbnail", "{}", TaskOptions.builder().queue(queue).build());
    assertThat(h.await(Duration.ofSeconds(30)).state()).isEqualTo(TaskState.SUCCESS);
    return h;
  }

  @Test
  void twoInstancesInOneJvmKeepTasksAndLineageInTheirOwnStores() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    try (Warren inMemory = Warren.create(memoryTransport().storeUrl("memory:").build());
        Warren inPostgres =
            Warren.create(memoryTransport().storeUrl(TestDatabase.urlWith(schema)).build());
        Warren unrecorded =
            Warren.create(memoryTransport().storeUrl("memory:").lineage(false).build())) {
      assertThat(inMemory.tasks().describeStore()).isEqualTo("memory");
      assertThat(inPostgres.tasks().describeStore()).contains("postgresql");

      TaskHandle<Object> memoryTask = runTask(inMemory, "spi-memory-" + suffix);
      TaskHandle<Object> postgresTask = runTask(inPostgres, "spi-postgres-" + suffix);

      assertThat(inMemory.admin().task(memoryTask.id())).isPresent();
      assertThat(inMemory.admin().task(postgresTask.id())).isEmpty();
      assertThat(inPostgres.admin().task(postgresTask.id())).isPresent();
      assertThat(inPostgres.admin().task(memoryTask.id())).isEmpty();
      assertThat(TestDatabase.rows(schema, "warren_task")).isEqualTo(1);

      Event inMemoryEvent = inMemory.publish("order.placed", "{}").join();
      Event inPostgresEvent = inPostgres.publish("order.placed", "{}").join();
      await()
          .atMost(20, SECONDS)
          .until(
              () ->
                  inMemory.lineage().event(inMemoryEvent.id()).isPresent()
                      && inPostgres.lineage().event(inPostgresEvent.id()).isPresent());
      assertThat(inPostgres.lineage().event(inMemoryEvent.id())).isEmpty();
      assertThat(inMemory.lineage().event(inPostgresEvent.id())).isEmpty();
      assertThat(TestDatabase.rows(schema, "warren_lineage_event")).isPositive();

      assertThatThrownBy(unrecorded::lineage)
          .isInstanceOf(WarrenException.class)
          .hasMessageContaining("lineage");
    }
  }
}

package dev.warren.postgres;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.schedules.Firing;
import dev.warren.schedules.FiringState;
import dev.warren.testkit.ScheduleInstanceMain;
import dev.warren.testkit.TestBroker;
import dev.warren.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The narrowest window of a schedule firing, made wide: an instance whose tasks reached the broker
 * (and ran) dies before it records its firings. A trigger in PostgreSQL refuses that instance's
 * {@code FIRED} records, so it stops exactly there; then it is killed with SIGKILL. The instance
 * taking its claims over must record them as fired with the task ids they named, and send no task
 * again: each slot's task runs once.
 */
@Timeout(value = 120, unit = SECONDS)
class ScheduleTakeOverAfterSubmitTest {
  private static final String SCHEDULE = "takeover.tick";
  private static final String TASK = "takeover.job";
  private static final String EXCHANGE = "takeover.events";
  private static final String QUEUE = "takeover.tasks";

  private static TestBroker broker;
  private static String schema;

  @BeforeAll
  static void start() {
    schema = TestDatabase.newSchema("warren_takeover");
    broker = TestBroker.create();
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
    TestDatabase.drop(schema);
  }

  @Test
  void claimsWhoseTasksWentOutAreTakenOverWithoutRunningThemAgain() throws Exception {
    String storeUrl = TestDatabase.urlWith(schema);
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    List<Process> processes = new ArrayList<>();
    WarrenOptions options =
        WarrenOptions.builder()
            .transport(WarrenOptions.TransportKind.RABBITMQ)
            .rabbitmqUri(broker.uri())
            .exchange(EXCHANGE)
            .instanceId("observer")
            .storeUrl(storeUrl)
            .build();
    try (Warren observer = Warren.create(options)) {
      observer
          .tasks()
          .register(
              TASK,
              QUEUE,
              ctx -> runs.computeIfAbsent(ctx.id(), id -> new AtomicInteger()).incrementAndGet());
      observer.schedules().list(); // creates the store's tables, for the trigger below
      sql(
          "CREATE TABLE " + schema + ".dies_before_recording (instance_prefix text)",
          "CREATE FUNCTION "
              + schema
              + ".refuse_fired() RETURNS trigger AS $$ BEGIN"
              + " IF EXISTS (SELECT 1 FROM "
              + schema
              + ".dies_before_recording d WHERE NEW.instance LIKE d.instance_prefix || '%')"
              + " THEN RAISE EXCEPTION 'this instance died before recording its firing'; END IF;"
              + " RETURN NEW; END $$ LANGUAGE plpgsql",
          "CREATE TRIGGER refuse_fired BEFORE UPDATE ON "
              + schema
              + ".warren_schedule_firing FOR EACH ROW WHEN (NEW.state = 'FIRED')"
              + " EXECUTE FUNCTION "
              + schema
              + ".refuse_fired()");

      Process doomed = launch(storeUrl);
      processes.add(doomed);
      sql("INSERT INTO " + schema + ".dies_before_recording VALUES ('" + doomed.pid() + "@')");
      ScheduleInstanceMain.awaitReady(doomed);

      // its claims stay CLAIMED while their tasks run: the state a kill after the broker's
      // confirm and before the record leaves
      await().atMost(30, SECONDS).until(() -> stranded(observer, doomed.pid(), runs).size() >= 2);
      doomed.destroyForcibly();
      assertThat(doomed.waitFor(10, SECONDS)).isTrue();
      List<Firing> strandedAtKill = stranded(observer, doomed.pid(), runs);

      Process survivor = launch(storeUrl);
      processes.add(survivor);
      ScheduleInstanceMain.awaitReady(survivor);
      // why: past the 15 s lease and the once-a-second take-over pass
      await()
          .atMost(40, SECONDS)
          .until(
              () ->
                  strandedAtKill.stream()
                      .allMatch(f -> slot(observer, f.slot()).state() == FiringState.FIRED));
      observer.schedules().pause(SCHEDULE);
      await()
          .atMost(30, SECONDS)
          .untilAsserted(
              () -> {
                assertThat(history(observer)).allMatch(f -> f.state() == FiringState.FIRED);
                assertThat(runs.keySet())
                    .as("the tasks run are those the firings name")
                    .isEqualTo(ids(history(observer)));
              });

      for (Firing f : strandedAtKill) {
        Firing now = slot(observer, f.slot());
        assertThat(now.taskId()).as("the task the claim named").isEqualTo(f.taskId());
        assertThat(now.instance()).startsWith(survivor.pid() + "@");
        assertThat(now.detail())
            .isEqualTo("taken over from " + f.instance() + ", which had submitted its task");
      }
      List<Firing> fired = history(observer);
      assertThat(ids(fired)).as("one task per slot").hasSize(fired.size());
      assertThat(runs.keySet()).as("no task without a firing").isEqualTo(ids(fired));
      assertThat(runs.values()).as("each slot's task ran once").allMatch(n -> n.get() == 1);
      System.out.printf(
          "%d claims stranded by the killed instance, taken over without a second run; %d slots,"
              + " %d tasks%n",
          strandedAtKill.size(), fired.size(), runs.size());
    } finally {
      for (Process p : processes) {
        p.destroyForcibly();
      }
    }
  }

  /** The doomed instance's claims older than a second whose tasks have run. */
  private static List<Firing> stranded(Warren w, long pid, Map<String, AtomicInteger> runs) {
    Instant before = Instant.now().minusSeconds(1);
    return history(w).stream()
        .filter(
            f ->
                f.state() == FiringState.CLAIMED
                    && f.instance().startsWith(pid + "@")
                    && f.at().isBefore(before)
                    && f.taskId() != null
                    && runs.containsKey(f.taskId()))
        .toList();
  }

  private static Firing slot(Warren w, Instant slot) {
    return history(w).stream().filter(f -> f.slot().equals(slot)).findFirst().orElseThrow();
  }

  private static List<Firing> history(Warren w) {
    return w.schedules().history(SCHEDULE, 1000);
  }

  private static Set<String> ids(List<Firing> firings) {
    Set<String> ids = new HashSet<>();
    for (Firing f : firings) {
      if (f.taskId() != null) {
        ids.add(f.taskId());
      }
    }
    return ids;
  }

  private static Process launch(String storeUrl) throws Exception {
    return ScheduleInstanceMain.launch(broker.uri(), EXCHANGE, QUEUE, storeUrl, SCHEDULE, TASK);
  }

  private static void sql(String... statements) throws Exception {
    try (Connection c = DriverManager.getConnection(TestDatabase.BASE_URL);
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }
}

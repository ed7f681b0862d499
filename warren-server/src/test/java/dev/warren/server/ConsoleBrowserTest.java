package dev.warren.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Event;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import dev.warren.lineage.LineageNode;
import dev.warren.schedules.Schedule;
import dev.warren.tasks.TaskHandle;
import dev.warren.testkit.TestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser (Debian's Chromium, headless, through Selenium) against a
 * server on RabbitMQ, in a virtual host of its own. Each test clicks through one page the way an
 * operator would, and saves a screenshot of it ({@link Browser#SCREENSHOTS}).
 */
class ConsoleBrowserTest {
  /** Longest wait for the page to show something; the broker's listing is a few seconds old. */
  private static final Duration PATIENCE = Duration.ofSeconds(45);

  private static TestBroker broker;
  private static Warren warren;
  private static WarrenServer server;
  private static ChromeDriver browser;
  private static final List<SubscriptionHandle> handles = new ArrayList<>();

  @BeforeAll
  static void start() {
    broker = TestBroker.create();
    warren = Warren.create(broker.options().source("console-test").build());
    server = WarrenServer.start(ServerOptions.builder().port(0).build(), warren);
    browser = Browser.open();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    handles.forEach(SubscriptionHandle::close);
    if (server != null) {
      server.stop();
    }
    if (warren != null) {
      warren.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static String url(String hash) {
    return "http://127.0.0.1:" + server.port() + "/console/" + hash;
  }

  private static WebDriverWait waiting() {
    return new WebDriverWait(browser, PATIENCE, Duration.ofMillis(200));
  }

  private static WebElement visible(By by) {
    return waiting().until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  private static void open(String hash) {
    // why: tests share one browser; a confirmation a failed test left open would take the clicks
    browser.executeScript("document.querySelectorAll('dialog[open]').forEach((d) => d.close());");
    browser.get(url(hash));
    // why: a hash change on the same page does not reload it; the shell routes on it
    visible(By.cssSelector("#nav a"));
  }

  private static void confirm() {
    WebElement ok = visible(By.id("confirm-ok"));
    ok.click();
  }

  @Test
  void aFailingSubscriptionsDeadLettersAppearGroupedByErrorAndReplayEmptiesThem() {
    AtomicBoolean healed = new AtomicBoolean();
    AtomicInteger handled = new AtomicInteger();
    handles.add(
        warren.subscribe(
            Subscription.named("console-billing").pattern("invoice.#").retry(RetryPolicy.none()),
            event -> {
              if (!healed.get()) {
                if (event.type().equals("invoice.tax")) {
                  throw new IllegalStateException(
                      "tax service down for " + event.subject().orElse("?"));
                }
                throw new IllegalArgumentException(
                    "no PDF template for " + event.subject().orElse("?"));
              }
              handled.incrementAndGet();
            }));
    for (int i = 1; i <= 3; i++) {
      warren
          .publish(Event.builder("invoice.tax").subject("inv-" + i).data(Map.of("n", i)).build())
          .join();
    }
    for (int i = 4; i <= 5; i++) {
      warren
          .publish(Event.builder("invoice.pdf").subject("inv-" + i).data(Map.of("n", i)).build())
          .join();
    }
    await().atMost(PATIENCE).until(() -> warren.deadLetters("console-billing").count() == 5);

    open("#/subscriptions");
    By row = By.cssSelector("tr[data-subscription='console-billing'] td.dead-count");
    waiting().until(ExpectedConditions.textToBe(row, "5"));
    assertThat(
            browser
                .findElement(By.cssSelector("tr[data-subscription='console-billing']"))
                .getText())
        .contains("invoice.#", "competing");
    Browser.screenshot(browser, "subscriptions");

    browser.findElement(By.linkText("console-billing")).click();
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("section.group"), 2));
    Map<String, String> groups =
        browser.findElements(By.cssSelector("section.group")).stream()
            .collect(
                Collectors.toMap(
                    g -> g.getDomAttribute("data-group"),
                    g -> g.findElement(By.tagName("h3")).getText()));
    assertThat(groups.keySet())
        .allMatch(
            k -> k.endsWith("IllegalStateException") || k.endsWith("IllegalArgumentException"));
    String tax =
        groups.entrySet().stream()
            .filter(e -> e.getKey().endsWith("IllegalStateException"))
            .findFirst()
            .orElseThrow()
            .getValue();
    String pdf =
        groups.entrySet().stream()
            .filter(e -> e.getKey().endsWith("IllegalArgumentException"))
            .findFirst()
            .orElseThrow()
            .getValue();
    assertThat(tax).contains("3 dead letters").contains("tax service down");
    assertThat(pdf).contains("2 dead letters").contains("no PDF template");
    assertThat(browser.findElements(By.cssSelector("tr.dead-letter"))).hasSize(5);
    assertThat(browser.findElement(By.cssSelector("tr.dead-letter td.cause")).getText())
        .contains("Exception:");
    Browser.screenshot(browser, "dead-letters");

    // by root event: each invoice is a chain of its own
    browser.findElement(By.id("group-root")).click();
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("section.group"), 5));
    browser.findElement(By.id("group-error")).click();
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("section.group"), 2));

    // replay one selected dead letter while the handler still fails: it comes back, counted once
    // more
    browser.findElement(By.cssSelector("tr.dead-letter input.pick")).click();
    assertThat(browser.findElement(By.id("replay-selected")).getText())
        .isEqualTo("Replay selected (1)");

    healed.set(true);
    browser.findElement(By.id("replay-all")).click();
    assertThat(visible(By.id("confirm-text")).getText())
        .contains("Replay all 5 dead letters of console-billing");
    Browser.screenshot(browser, "replay-confirm");
    confirm();
    visible(By.id("no-dead-letters"));
    assertThat(browser.findElement(By.id("notice")).getText())
        .isEqualTo("Replayed 5 of console-billing.");
    await().atMost(PATIENCE).until(() -> handled.get() == 5);
    assertThat(warren.deadLetters("console-billing").count()).isZero();
  }

  @Test
  void aTasksProgressBarMovesAndRevokeShowsRevoked() {
    Semaphore steps = new Semaphore(0);
    warren
        .tasks()
        .register(
            "console.render",
            ctx -> {
              for (int frame = 1; frame <= 10; frame++) {
                // why: the test hands out each step, so the bar moves when the test says
                while (!steps.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                  ctx.checkCancelled();
                }
                ctx.progress(frame / 10.0, Map.of("frame", frame));
              }
              return "done";
            });
    TaskHandle<Object> task = warren.tasks().submit("console.render", Map.of("movie", "intro"));
    open("#/tasks");
    By bar = By.cssSelector("tr.task[data-id='" + task.id() + "'] progress");
    steps.release(2);
    waiting().until(ExpectedConditions.attributeToBe(bar, "value", "20"));
    steps.release(3);
    waiting().until(ExpectedConditions.attributeToBe(bar, "value", "50"));
    assertThat(
            browser.findElement(By.cssSelector("tr.task[data-id='" + task.id() + "']")).getText())
        .contains("console.render", "PROGRESS", "50%");
    Browser.screenshot(browser, "tasks");

    // why: the list re-renders as it refreshes, so the link found may be replaced before the click
    waiting()
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(
            d -> {
              d.findElement(By.linkText(task.id())).click();
              return true;
            });
    waiting()
        .until(ExpectedConditions.textToBePresentInElementLocated(By.id("task-progress"), "50%"));
    visible(By.id("revoke")).click();
    assertThat(visible(By.id("confirm-text")).getText()).contains("Revoke task " + task.id());
    confirm();
    waiting().until(ExpectedConditions.textToBe(By.id("task-state-value"), "REVOKED"));
    List<String> timeline =
        browser.findElements(By.cssSelector("#timeline tr td:first-child")).stream()
            .map(WebElement::getText)
            .toList();
    assertThat(timeline).contains("STARTED", "REVOKED");
    assertThat(browser.findElement(By.id("revoke")).isEnabled()).isFalse();
    Browser.screenshot(browser, "task");

    // the state filter: the revoked task is among the recent ones, not the active ones
    open("#/tasks");
    new org.openqa.selenium.support.ui.Select(visible(By.id("task-state"))).selectByValue("active");
    waiting()
        .until(
            ExpectedConditions.numberOfElementsToBe(
                By.cssSelector("tr.task[data-id='" + task.id() + "']"), 0));
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("task-state")))
        .selectByValue("recent");
    visible(By.cssSelector("tr.task[data-id='" + task.id() + "']"));
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("task-state")))
        .selectByValue("");
  }

  @Test
  void aSchedulesFiringsAppearAndPausingStopsThemUntilResumed() {
    warren.tasks().register("console.tick", ctx -> "tick");
    warren
        .schedules()
        .define(
            Schedule.cron("console.nightly-report", "0 30 2 * * *")
                .zone("Europe/Berlin")
                .task("console.tick")
                .build());
    warren
        .schedules()
        .define(
            Schedule.every("console.tick", Duration.ofSeconds(1))
                .task("console.tick")
                .args(Map.of("from", "console"))
                .build());
    try {
      open("#/tasks");
      visible(By.linkText("Schedules")).click();
      By tick = By.cssSelector("tr.schedule[data-name='console.tick']");
      assertThat(visible(tick).getText())
          .contains("every 1s", "console.tick", "running", "FIRE_ONCE");
      assertThat(
              browser
                  .findElement(By.cssSelector("tr.schedule[data-name='console.nightly-report']"))
                  .getText())
          .contains("0 30 2 * * *", "Europe/Berlin");
      browser.findElement(By.cssSelector("tr.schedule[data-name='console.tick'] a")).click();
      // the firings appear without a reload, each linking to the task it submitted
      waiting()
          .until(
              ExpectedConditions.numberOfElementsToBeMoreThan(
                  By.cssSelector("#firings tr.firing[data-state='FIRED']"), 1));
      // why: read once; the rows are redrawn on each refresh
      String firing = browser.findElement(By.cssSelector("#firings tr.firing")).getText();
      String taskId =
          browser.findElement(By.cssSelector("#firings tr.firing td:nth-child(4) a")).getText();
      assertThat(warren.schedules().history("console.tick", 1000))
          .anySatisfy(
              f -> {
                assertThat(f.taskId()).isEqualTo(taskId);
                assertThat(firing).contains("FIRED", f.instance());
              });
      Browser.screenshot(browser, "schedules");
      browser.findElement(By.linkText(taskId)).click();
      waiting()
          .until(ExpectedConditions.textToBePresentInElementLocated(By.id("task"), "console.tick"));
      browser.navigate().back();

      // paused: the state says so and no slot fires over three of its intervals
      visible(By.cssSelector("tr.schedule[data-name='console.tick'] button.pause")).click();
      waiting()
          .until(
              ExpectedConditions.textToBe(
                  By.cssSelector(
                      "tr.schedule[data-name='console.tick'][data-paused='true'] td.schedule-state"),
                  "paused"));
      int fired = firings("console.tick");
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .until(() -> firings("console.tick") == fired);
      assertThat(warren.schedules().get("console.tick").orElseThrow().paused()).isTrue();

      // trigger: asked first, then one manual firing even while paused
      visible(By.cssSelector("tr.schedule[data-name='console.tick'] button.trigger")).click();
      assertThat(visible(By.id("confirm-text")).getText()).contains("Trigger console.tick now?");
      confirm();
      waiting()
          .until(
              ExpectedConditions.textToBePresentInElementLocated(
                  By.id("schedule-notice"), "Triggered console.tick: task "));
      assertThat(firings("console.tick")).isEqualTo(fired + 1);

      // resumed: it fires again
      visible(By.cssSelector("tr.schedule[data-name='console.tick'] button.resume")).click();
      waiting()
          .until(
              ExpectedConditions.presenceOfElementLocated(
                  By.cssSelector("tr.schedule[data-name='console.tick'][data-paused='false']")));
      await().atMost(PATIENCE).until(() -> firings("console.tick") > fired + 1);

      // delete: asked first, then gone from the list and the store
      visible(By.cssSelector("tr.schedule[data-name='console.tick'] button.delete")).click();
      assertThat(visible(By.id("confirm-text")).getText())
          .contains("Delete schedule console.tick?");
      confirm();
      waiting().until(ExpectedConditions.numberOfElementsToBe(tick, 0));
      assertThat(warren.schedules().get("console.tick")).isEmpty();
      // a link to it now says it is gone
      open("#/tasks/schedules/console.tick");
      assertThat(visible(By.id("schedule-gone")).getText())
          .isEqualTo("Schedule console.tick does not exist (any more).");
    } finally {
      warren.schedules().delete("console.tick");
      warren.schedules().delete("console.nightly-report");
    }
  }

  private static int firings(String schedule) {
    return warren.schedules().history(schedule, 1000).size();
  }

  @Test
  void aLineageGraphHasTheChainsNodesAndWhatEachSubscriptionDid() {
    handles.add(
        warren.subscribe(
            Subscription.named("console-shipping").pattern("order.placed"),
            event -> {
              warren.publish("order.packed", Map.of("box", 1)).join();
              warren.publish("order.invoiced", Map.of("total", 42)).join();
            }));
    handles.add(
        warren.subscribe(Subscription.named("console-audit").pattern("order.#"), event -> {}));
    Event root = warren.publish("order.placed", Map.of("order", 7)).join();
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                warren.lineage().tree(root.id()).map(t -> count(t.roots())).orElse(0) == 3
                    && warren.lineage().event(root.id()).orElseThrow().deliveries().size() == 2);

    open("#/lineage/" + root.id());
    waiting()
        .until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("svg.lineage g.node"), 3));
    Set<String> types =
        browser.findElements(By.cssSelector("svg.lineage g.node")).stream()
            .map(n -> n.getDomAttribute("data-type"))
            .collect(Collectors.toSet());
    assertThat(types).containsExactlyInAnyOrder("order.placed", "order.packed", "order.invoiced");
    assertThat(browser.findElements(By.cssSelector("svg.lineage path.edge"))).hasSize(2);
    WebElement rootNode =
        browser.findElement(By.cssSelector("svg.lineage g.node[data-id='" + root.id() + "']"));
    assertThat(rootNode.getDomAttribute("class")).contains("focus");
    assertThat(rootNode.getText()).contains("console-shipping: handled", "console-audit: handled");
    WebElement packed =
        browser.findElement(By.cssSelector("svg.lineage g.node[data-type='order.packed']"));
    packed.click();
    waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("lineage-detail"), "order.packed"));
    assertThat(browser.findElement(By.id("lineage-detail")).getText())
        .contains(root.id(), "console-audit");
    Browser.screenshot(browser, "lineage");
  }

  private static int count(List<LineageNode> nodes) {
    int n = 0;
    for (LineageNode node : nodes) {
      n += 1 + count(node.children());
    }
    return n;
  }

  @Test
  void theLiveTailShowsArrivingEventsPausesFiltersAndOpensOne() {
    open("#/tail");
    WebElement pattern = visible(By.id("tail-pattern"));
    pattern.clear();
    pattern.sendKeys("parcel.#");
    browser.findElement(By.id("tail-follow")).click();
    waiting().until(ExpectedConditions.textToBe(By.id("tail-state"), "following parcel.#"));
    List<Event> sent = new ArrayList<>();
    for (String type : List.of("parcel.scanned", "parcel.loaded", "parcel.delivered")) {
      sent.add(warren.publish(type, Map.of("parcel", "P-1")).join());
    }
    warren.publish("other.thing", Map.of()).join();
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr.tail-event"), 3));
    // newest first
    assertThat(browser.findElement(By.cssSelector("tr.tail-event")).getDomAttribute("data-id"))
        .isEqualTo(sent.get(2).id());

    WebElement filter = browser.findElement(By.id("tail-filter"));
    filter.sendKeys("loaded");
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr.tail-event"), 1));
    browser.findElement(By.cssSelector("tr.tail-event td:nth-child(2)")).click();
    waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("tail-detail"), sent.get(1).id()));
    assertThat(browser.findElement(By.id("tail-detail")).getText())
        .contains("parcel.loaded", "\"parcel\": \"P-1\"");
    filter.clear();
    filter.sendKeys(" ");
    filter.sendKeys(org.openqa.selenium.Keys.BACK_SPACE);
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr.tail-event"), 3));

    browser.findElement(By.id("tail-pause")).click();
    warren.publish("parcel.returned", Map.of("parcel", "P-1")).join();
    waiting().until(ExpectedConditions.textToBe(By.id("tail-pause"), "Resume (1 new)"));
    assertThat(browser.findElements(By.cssSelector("tr.tail-event"))).hasSize(3);
    browser.findElement(By.id("tail-pause")).click();
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr.tail-event"), 4));
    Browser.screenshot(browser, "tail");
  }

  @Test
  void theOverviewShowsTheBrokerHealthChartsAndWhichSubscriptionFails() {
    handles.add(
        warren.subscribe(
            Subscription.named("console-mailer").pattern("mail.#").retry(RetryPolicy.none()),
            event -> {
              throw new IllegalStateException("SMTP relay refused the message");
            }));
    handles.add(
        warren.subscribe(Subscription.named("console-search").pattern("mail.#"), event -> {}));
    for (int i = 0; i < 4; i++) {
      warren.publish("mail.sent", Map.of("to", "user" + i + "@example.com")).join();
    }
    await().atMost(PATIENCE).until(() -> warren.deadLetters("console-mailer").count() == 4);

    open("#/overview");
    waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("broker-description"), broker.vhost()));
    assertThat(browser.findElement(By.id("health")).getText())
        .contains("rabbitmq", "subscriptions");
    waiting()
        .until(ExpectedConditions.textToBePresentInElementLocated(By.id("failing"), "4 failing"));
    // the failing subscription is listed first and links to its dead letters
    WebElement first = browser.findElement(By.cssSelector("#failing tbody tr"));
    assertThat(first.getText()).startsWith("console-mailer");
    assertThat(browser.findElements(By.cssSelector("#charts figure"))).hasSize(3);
    // the charts refresh without a reload: a second sample draws the dead-letter line
    waiting()
        .until(
            d ->
                !d.findElements(By.cssSelector("#charts figure:nth-child(3) path.line")).isEmpty());
    Browser.screenshot(browser, "overview");
    first.findElement(By.linkText("console-mailer")).click();
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("section.group"), 1));
    assertThat(browser.findElement(By.cssSelector("section.group h3")).getText())
        .contains("IllegalStateException", "SMTP relay refused", "4 dead letters");

    browser.findElement(By.id("purge")).click();
    confirm();
    visible(By.id("no-dead-letters"));
    assertThat(warren.deadLetters("console-mailer").count()).isZero();
  }

  @Test
  void withKeysTheConsoleAsksForOneAndAReadOnlyKeySeesOnlyItsPages(@TempDir Path dir)
      throws Exception {
    Path keys =
        Files.writeString(
            dir.resolve("keys"),
            "ops ops-secret-1 admin\nviewer viewer-secret-2 tasks,subscribe:#\n");
    WarrenServer guarded =
        WarrenServer.start(ServerOptions.builder().port(0).apiKeysFile(keys).build(), warren);
    try {
      warren.tasks().register("console.echo", ctx -> "ok");
      TaskHandle<Object> done = warren.tasks().submit("console.echo", Map.of());
      warren
          .schedules()
          .define(Schedule.every("console.viewer-report", Duration.ofHours(1)).build());
      String base = "http://127.0.0.1:" + guarded.port() + "/console/";
      browser.get(base);
      WebElement key = visible(By.id("api-key"));
      Browser.screenshot(browser, "sign-in");
      key.sendKeys("wrong-key");
      browser.findElement(By.id("sign-in")).click();
      waiting()
          .until(
              ExpectedConditions.textToBePresentInElementLocated(
                  By.id("login"), "That key is not valid."));

      visible(By.id("api-key")).sendKeys("viewer-secret-2");
      browser.findElement(By.id("sign-in")).click();
      waiting().until(ExpectedConditions.textToBe(By.id("key-name"), "key viewer (read-only)"));
      List<String> pages =
          browser.findElements(By.cssSelector("#nav a")).stream().map(WebElement::getText).toList();
      assertThat(pages).containsExactly("Live tail", "Tasks");
      browser.get(base + "#/tasks/" + done.id());
      visible(By.id("task"));
      assertThat(browser.findElements(By.id("revoke"))).isEmpty();
      assertThat(browser.findElement(By.tagName("main")).getText())
          .contains("read-only: revoking needs the admin scope");
      // schedules are shown, but changing them is not offered
      browser.get(base + "#/tasks/schedules");
      visible(By.cssSelector("tr.schedule[data-name='console.viewer-report']"));
      assertThat(browser.findElements(By.cssSelector("#schedules button"))).isEmpty();
      assertThat(browser.findElement(By.id("schedules-read-only")).getText())
          .contains("need the admin scope");
      // a page its scopes do not allow is not shown: it lands on its first page instead
      browser.get(base + "#/subscriptions");
      visible(By.id("tail-pattern"));

      browser.findElement(By.id("sign-out")).click();
      visible(By.id("api-key")).sendKeys("ops-secret-1");
      browser.findElement(By.id("sign-in")).click();
      waiting().until(ExpectedConditions.textToBe(By.id("key-name"), "key ops (admin)"));
      assertThat(
              browser.findElements(By.cssSelector("#nav a")).stream()
                  .map(WebElement::getText)
                  .toList())
          .containsExactly("Overview", "Subscriptions", "Live tail", "Tasks", "Lineage");
    } finally {
      warren.schedules().delete("console.viewer-report");
      guarded.stop();
    }
  }
}

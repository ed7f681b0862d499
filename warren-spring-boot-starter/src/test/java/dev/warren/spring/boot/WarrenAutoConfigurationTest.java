package dev.warren.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Event;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.admin.WarrenAdmin;
import dev.warren.codec.JsonDataCodec;
import dev.warren.spi.DataCodec;
import dev.warren.tasks.Tasks;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration, with and without each optional bean and class. */
class WarrenAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(WarrenAutoConfiguration.class))
          .withPropertyValues("warren.transport=memory");

  @Test
  void aloneItGivesAnInMemoryWarrenWithItsTasksAdminAndHealth() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).hasSingleBean(Warren.class);
          assertThat(context).hasSingleBean(Tasks.class);
          assertThat(context).hasSingleBean(WarrenAdmin.class);
          assertThat(context).hasSingleBean(WarrenHealthIndicator.class);
          assertThat(context).doesNotHaveBean(DataCodec.class);
          assertThat(context).doesNotHaveBean(WarrenMeters.class);
          Warren warren = context.getBean(Warren.class);
          assertThat(warren.describe()).startsWith("memory");
          assertThat(context.getBean(Tasks.class)).isSameAs(warren.tasks());
          assertThat(context.getBean(WarrenAdmin.class)).isSameAs(warren.admin());
          // why: no mapper in the context, so Warren keeps its own JSON codec
          assertThat(warren.options().codec()).isNull();
        });
  }

  @Test
  void propertiesAreBoundToTheOptions() {
    runner
        .withPropertyValues(
            "warren.exchange=shop.events",
            "warren.source=/shop",
            "warren.rabbitmq.prefetch=7",
            "warren.confirm-window=64",
            "warren.publish-timeout=5",
            "warren.connect-timeout=2s",
            "warren.shutdown-timeout=PT3S",
            "warren.instance-id=shop-1",
            "warren.lineage=false",
            "warren.queue-type=classic",
            "warren.delivery-limit=5",
            "warren.task-concurrency=3",
            "warren.task-prefetch=30",
            "warren.task-events=true",
            "warren.store-url=memory:")
        .run(
            context -> {
              WarrenOptions options = context.getBean(WarrenOptions.class);
              assertThat(options.transport()).isEqualTo(WarrenOptions.TransportKind.MEMORY);
              assertThat(options.exchange()).isEqualTo("shop.events");
              assertThat(options.source()).isEqualTo("/shop");
              assertThat(options.prefetch()).isEqualTo(7);
              assertThat(options.confirmWindow()).isEqualTo(64);
              // why: a bare number is seconds, as in WARREN_PUBLISH_TIMEOUT
              assertThat(options.publishTimeout()).isEqualTo(Duration.ofSeconds(5));
              assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
              assertThat(options.shutdownTimeout()).isEqualTo(Duration.ofSeconds(3));
              assertThat(options.instanceId()).isEqualTo("shop-1");
              assertThat(options.lineage()).isFalse();
              assertThat(options.queueType()).isEqualTo(Subscription.QueueType.CLASSIC);
              assertThat(options.deliveryLimit()).isEqualTo(5);
              assertThat(options.taskConcurrency()).isEqualTo(3);
              assertThat(options.taskPrefetch()).isEqualTo(30);
              assertThat(options.taskEvents()).isTrue();
              assertThat(context.getBean(Warren.class).options()).isSameAs(options);
            });
  }

  @Test
  void unsetPropertiesKeepWarrensDefaults() {
    runner.run(
        context -> {
          WarrenOptions options = context.getBean(WarrenOptions.class);
          WarrenOptions defaults = WarrenOptions.builder().build();
          assertThat(options.exchange()).isEqualTo(defaults.exchange());
          assertThat(options.prefetch()).isEqualTo(defaults.prefetch());
          assertThat(options.publishTimeout()).isEqualTo(defaults.publishTimeout());
          assertThat(options.deliveryLimit()).isEqualTo(defaults.deliveryLimit());
        });
  }

  @Test
  void aBadPropertyStopsTheApplicationNamingTheValue() {
    runner
        .withPropertyValues("warren.rabbitmq.prefetch=0")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("prefetch 0 is not between 1 and 65535");
            });
  }

  @Test
  void theApplicationsJackson3MapperIsTheCodec() {
    runner
        .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
        .run(
            context -> {
              DataCodec codec = context.getBean(Warren.class).options().codec();
              assertThat(codec).isInstanceOf(Jackson3DataCodec.class);
              assertThat(((Jackson3DataCodec) codec).mapper())
                  .isSameAs(context.getBean(tools.jackson.databind.json.JsonMapper.class));
            });
  }

  @Test
  void withoutJackson3TheApplicationsJackson2MapperIsTheCodec() {
    com.fasterxml.jackson.databind.ObjectMapper mapper =
        new com.fasterxml.jackson.databind.ObjectMapper();
    runner
        .withClassLoader(new FilteredClassLoader("tools.jackson"))
        .withBean(com.fasterxml.jackson.databind.ObjectMapper.class, () -> mapper)
        .run(
            context -> {
              DataCodec codec = context.getBean(Warren.class).options().codec();
              assertThat(codec).isInstanceOf(JsonDataCodec.class);
              assertThat(((JsonDataCodec) codec).mapper()).isSameAs(mapper);
            });
  }

  @Test
  void withBothJacksonsTheJackson3MapperIsTheCodec() {
    runner
        .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
        .withBean(
            com.fasterxml.jackson.databind.ObjectMapper.class,
            com.fasterxml.jackson.databind.ObjectMapper::new)
        .run(
            context ->
                assertThat(context.getBean(Warren.class).options().codec())
                    .isInstanceOf(Jackson3DataCodec.class));
  }

  @Test
  void anApplicationCodecWinsOverItsMapper() {
    DataCodec own = JsonDataCodec.defaults();
    runner
        .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
        .withBean(DataCodec.class, () -> own)
        .run(context -> assertThat(context.getBean(Warren.class).options().codec()).isSameAs(own));
  }

  @Test
  void anApplicationWarrenReplacesTheAutoConfiguredOne() {
    Warren own =
        Warren.create(
            WarrenOptions.builder().transport(WarrenOptions.TransportKind.MEMORY).build());
    runner
        .withBean("ownWarren", Warren.class, () -> own)
        .run(
            context -> {
              assertThat(context).hasSingleBean(Warren.class);
              assertThat(context.getBean(Warren.class)).isSameAs(own);
            });
    own.close();
  }

  @Test
  void warrensMetersGoToTheApplicationsRegistry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    runner
        .withBean(MeterRegistry.class, () -> registry)
        .run(
            context -> {
              assertThat(context.getBean(WarrenMeters.class).joined()).isTrue();
              context.getBean(Warren.class).publish("meter.tested", "x").join();
              assertThat(registry.find("warren.published").tag("type", "meter.tested").counter())
                  .isNotNull()
                  .satisfies(c -> assertThat(c.count()).isEqualTo(1.0));
            });
    // why: the registry is parted from the global one when the context closes
    assertThat(Metrics.globalRegistry.getRegistries()).doesNotContain(registry);
  }

  @Test
  void aRegistryAlreadyFedByTheGlobalOneIsNotJoinedTwice() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Metrics.addRegistry(registry);
    try {
      runner
          .withBean(MeterRegistry.class, () -> registry)
          .run(context -> assertThat(context.getBean(WarrenMeters.class).joined()).isFalse());
      assertThat(Metrics.globalRegistry.getRegistries()).contains(registry);
    } finally {
      Metrics.removeRegistry(registry);
    }
  }

  @Test
  void withoutActuatorThereIsNoHealthIndicator() {
    runner
        .withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean("warrenHealthIndicator");
            });
  }

  @Test
  void theHealthIndicatorCanBeSwitchedOff() {
    runner
        .withPropertyValues("management.health.warren.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(WarrenHealthIndicator.class));
  }

  @Test
  void healthIsUpWithDetailsOnTheEmbeddedTransport() {
    runner
        .withUserConfiguration(Listening.class)
        .run(
            context -> {
              var health = context.getBean(WarrenHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails())
                  .containsKey("transport")
                  .containsEntry("subscriptions", java.util.Map.of("observed", "consuming"));
            });
  }

  @Test
  void healthIsDownWhenASubscriptionLostItsConsumer() {
    runner
        .withUserConfiguration(Listening.class)
        .run(
            context -> {
              Warren warren = context.getBean(Warren.class);
              // why: a deleted queue cancels its consumer, as RabbitMQ does, while the
              // subscription stays registered in this instance
              warren.admin().deleteQueue("observed");
              await()
                  .atMost(Duration.ofSeconds(10))
                  .untilAsserted(
                      () -> {
                        var health = context.getBean(WarrenHealthIndicator.class).health();
                        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                        assertThat(health.getDetails())
                            .containsEntry("reason", "subscriptions without a consumer: observed");
                      });
            });
  }

  @Test
  void listenerCallsAreObservedWhenTheApplicationHasAnObservationRegistry() {
    List<Observation.Context> seen = new CopyOnWriteArrayList<>();
    ObservationRegistry observations = ObservationRegistry.create();
    observations
        .observationConfig()
        .observationHandler(
            new ObservationHandler<>() {
              @Override
              public void onStop(Observation.Context context) {
                seen.add(context);
              }

              @Override
              public boolean supportsContext(Observation.Context context) {
                return true;
              }
            });
    runner
        .withBean(ObservationRegistry.class, () -> observations)
        .withUserConfiguration(Listening.class)
        .run(
            context -> {
              context.getBean(Warren.class).publish("observed.thing", "x").join();
              await()
                  .atMost(Duration.ofSeconds(10))
                  .until(() -> seen.stream().anyMatch(c -> c.getName().equals("warren.handle")));
              Observation.Context observed =
                  seen.stream()
                      .filter(c -> c.getName().equals("warren.handle"))
                      .findFirst()
                      .orElseThrow();
              assertThat(observed.getName()).isEqualTo("warren.handle");
              assertThat(observed.getContextualName()).isEqualTo("observed process");
              assertThat(observed.getLowCardinalityKeyValue("warren.subscription").getValue())
                  .isEqualTo("observed");
              assertThat(observed.getHighCardinalityKeyValue("warren.event.type").getValue())
                  .isEqualTo("observed.thing");
            });
  }

  @Test
  void publishesAndHandlerRunsAreObservedOnlyWithARealObservationRegistry() {
    runner.run(
        context ->
            assertThat(context.getBean(Warren.class).options().observer())
                .as("no registry, no observer")
                .isEmpty());
    runner
        .withBean(ObservationRegistry.class, () -> ObservationRegistry.NOOP)
        .run(
            context ->
                assertThat(context.getBean(Warren.class).options().observer())
                    .as("a no-op registry, no observer")
                    .isEmpty());
    runner
        .withBean(ObservationRegistry.class, ObservationRegistry::create)
        .run(
            context ->
                assertThat(context.getBean(Warren.class).options().observer())
                    .get()
                    .isInstanceOf(WarrenObservations.class));
  }

  @Test
  void placeholdersInAttributesAreResolved() {
    runner
        .withPropertyValues("app.subscription=resolved", "app.pattern=resolved.*")
        .withUserConfiguration(Placeholders.class)
        .run(
            context -> {
              Subscription s = context.getBean(Warren.class).subscriptions().get(0).subscription();
              assertThat(s.name()).isEqualTo("resolved");
              assertThat(s.patterns()).containsExactly("resolved.*");
              assertThat(s.mode()).isEqualTo(Subscription.Mode.ORDERED);
              assertThat(s.partitions()).isEqualTo(4);
              assertThat(s.prefetch()).isEqualTo(9);
              assertThat(s.retry().delays()).containsExactly(Duration.ofSeconds(3));
              assertThat(s.retry().immediateRetries()).isEqualTo(1);
            });
  }

  @Test
  void aListenerWithTwoDataParametersStopsTheApplicationNamingIt() {
    runner
        .withUserConfiguration(TwoDataParameters.class)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("@WarrenListener")
                  .hasMessageContaining("TwoDataParameters$Bad.handle(String, Integer)")
                  .hasMessageContaining("second data parameter");
            });
  }

  @Test
  void twoListenersOfOneSubscriptionStopTheApplication() {
    runner
        .withUserConfiguration(SameSubscriptionTwice.class)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("subscription 'twice' is declared twice");
            });
  }

  @Test
  void whatAListenerThrowsIsWhatItsRetryPolicySees() {
    runner
        .withUserConfiguration(Failing.class)
        .run(
            context -> {
              Warren warren = context.getBean(Warren.class);
              warren.publish("failing.thing", "x").join();
              // why: nonRetryable names the method's own exception, so it must reach Warren
              // unwrapped for the event to skip the (long) retry delays
              await()
                  .atMost(Duration.ofSeconds(10))
                  .until(() -> warren.deadLetters("failing").count() == 1);
              assertThat(warren.deadLetters("failing").peek(1).get(0).errorType())
                  .isEqualTo(IllegalStateException.class.getName());
              assertThat(context.getBean(Failing.class).calls.get()).isEqualTo(1);
            });
  }

  @Test
  void anEventAListenerReturnsIsPublishedAsACausedEvent() {
    runner
        .withUserConfiguration(Forwarding.class)
        .run(
            context -> {
              Warren warren = context.getBean(Warren.class);
              Event original = warren.publish("forward.me", "hello").join();
              Forwarding forwarding = context.getBean(Forwarding.class);
              await().atMost(Duration.ofSeconds(10)).until(() -> !forwarding.forwarded.isEmpty());
              Event forwarded = forwarding.forwarded.get(0);
              assertThat(forwarded.type()).isEqualTo("forwarded.it");
              assertThat(forwarded.data(String.class)).isEqualTo("HELLO");
              assertThat(forwarded.causationIds()).containsExactly(original.id());
            });
  }

  @Test
  void listenersStartOnlyOnceTheContextIsReady() {
    runner
        .withUserConfiguration(Listening.class, SeesSubscriptions.class)
        .run(
            context -> {
              // why: when every singleton exists, nothing consumes yet
              assertThat(context.getBean(SeesSubscriptions.class).whenAllBeansExisted).isEqualTo(0);
              assertThat(context.getBean(WarrenLifecycle.class).isRunning()).isTrue();
              assertThat(context.getBean(Warren.class).subscriptions()).hasSize(1);
            });
  }

  @Test
  void closingTheContextLetsARunningHandlerFinish() throws Exception {
    Slow slow = new Slow();
    runner
        .withBean(Slow.class, () -> slow)
        .run(
            context -> {
              context.getBean(Warren.class).publish("slow.job", "x").join();
              assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();
              assertThat(slow.finished).isFalse();
            });
    // why: run() closed the context while the handler slept; closing waited for it
    assertThat(slow.finished).isTrue();
  }

  @Configuration(proxyBeanMethods = false)
  static class Listening {
    @WarrenListener(subscription = "observed", pattern = "observed.*")
    void observe(Event event) {}
  }

  @Configuration(proxyBeanMethods = false)
  static class Placeholders {
    @WarrenListener(
        subscription = "${app.subscription}",
        pattern = "${app.pattern}",
        mode = Subscription.Mode.ORDERED,
        partitions = "4",
        prefetch = "${app.prefetch:9}",
        immediateRetries = "1",
        retryDelays = "3s")
    void handle(String data) {}
  }

  @Configuration(proxyBeanMethods = false)
  static class TwoDataParameters {
    @Bean
    Bad bad() {
      return new Bad();
    }

    static class Bad {
      @WarrenListener(subscription = "bad", pattern = "bad.*")
      void handle(String one, Integer two) {}
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class SameSubscriptionTwice {
    @WarrenListener(subscription = "twice", pattern = "a.*")
    void one(Event event) {}

    @WarrenListener(subscription = "twice", pattern = "b.*")
    void two(Event event) {}
  }

  @Configuration(proxyBeanMethods = false)
  static class Failing {
    final java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();

    @WarrenListener(
        subscription = "failing",
        pattern = "failing.*",
        retryDelays = "1h",
        nonRetryable = IllegalStateException.class)
    void fail(String data) {
      calls.incrementAndGet();
      throw new IllegalStateException("refused " + data);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Forwarding {
    final List<Event> forwarded = new CopyOnWriteArrayList<>();

    @WarrenListener(subscription = "forwarder", pattern = "forward.me")
    Event forward(String text) {
      return Event.builder("forwarded.it").data(text.toUpperCase(java.util.Locale.ROOT)).build();
    }

    @WarrenListener(subscription = "forwarded", pattern = "forwarded.*")
    void receive(Event event) {
      forwarded.add(event);
    }
  }

  static class SeesSubscriptions implements SmartInitializingSingleton {
    private final Warren warren;
    int whenAllBeansExisted = -1;

    SeesSubscriptions(Warren warren) {
      this.warren = warren;
    }

    @Override
    public void afterSingletonsInstantiated() {
      whenAllBeansExisted = warren.subscriptions().size();
    }
  }

  static class Slow {
    final CountDownLatch entered = new CountDownLatch(1);
    volatile boolean finished;
    final AtomicBoolean once = new AtomicBoolean();

    @WarrenListener(subscription = "slow", pattern = "slow.*")
    void work(Event event) throws InterruptedException {
      if (once.compareAndSet(false, true)) {
        entered.countDown();
        Thread.sleep(500);
        finished = true;
      }
    }
  }
}

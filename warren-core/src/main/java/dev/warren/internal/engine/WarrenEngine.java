package dev.warren.internal.engine;

import dev.warren.DataHandler;
import dev.warren.DeadLetters;
import dev.warren.Event;
import dev.warren.EventHandler;
import dev.warren.EventType;
import dev.warren.InvalidInputException;
import dev.warren.MessageObserver;
import dev.warren.ReplyHandler;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import dev.warren.WarrenClosedException;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.admin.WarrenAdmin;
import dev.warren.codec.JsonDataCodec;
import dev.warren.internal.deadletters.DeadLettersImpl;
import dev.warren.internal.delay.DelayQueues;
import dev.warren.internal.envelope.AmqpBinding;
import dev.warren.internal.tasks.TaskQueue;
import dev.warren.internal.topology.QueueDeclarer;
import dev.warren.lineage.Lineage;
import dev.warren.spi.DataCodec;
import dev.warren.tasks.Tasks;
import dev.warren.transport.ExchangeSpec;
import dev.warren.transport.Message;
import dev.warren.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Warren} implementation: maps events onto a {@link Transport} and runs subscriptions.
 * Transport-neutral; everything specific to a broker lives behind the transport SPI.
 */
public final class WarrenEngine implements Warren {
  private static final Logger log = LoggerFactory.getLogger(WarrenEngine.class);

  /** The event whose handler runs on this thread: the parent of events published from it. */
  static final ThreadLocal<Event> HANDLING = new ThreadLocal<>();

  private static final ClassValue<String> TYPES =
      new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
          EventType annotation = type.getAnnotation(EventType.class);
          return annotation == null ? null : Topics.check(annotation.value(), type);
        }
      };

  private final WarrenOptions options;
  private final Transport transport;
  private final DataCodec codec;
  private final Set<SubscriptionRunner> runners = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final EngineListeners listeners = new EngineListeners();
  private final Observing observing;
  private final Object tasksLock = new Object();
  private volatile TaskQueue tasks;
  private volatile dev.warren.internal.schedules.SchedulesImpl schedules;
  private volatile Lineage lineage;
  private final QueueDeclarer queues;
  private final DelayQueues delays;
  private final Responder responder;
  private final Object requesterLock = new Object();
  private volatile Requester requester;

  private WarrenEngine(WarrenOptions options, Transport transport) {
    this.options = options;
    this.observing = new Observing(options.observer().orElse(null));
    this.transport = transport;
    this.codec = options.codec() != null ? options.codec() : JsonDataCodec.defaults();
    this.queues = QueueDeclarer.of(transport, options);
    this.delays = new DelayQueues(queues, options.clock());
    this.responder = new Responder(transport, codec, options.source());
  }

  /**
   * Declares the exchange and returns a ready instance.
   *
   * @param options the options
   * @param transport a connected transport, owned by the engine from now on
   * @return the instance
   */
  public static WarrenEngine start(WarrenOptions options, Transport transport) {
    try {
      transport.declareExchange(ExchangeSpec.durableTopic(options.exchange()));
    } catch (RuntimeException e) {
      transport.close();
      throw e;
    }
    WarrenEngine engine = new WarrenEngine(options, transport);
    for (EngineListenerFactory f :
        java.util.ServiceLoader.load(
            EngineListenerFactory.class, WarrenEngine.class.getClassLoader())) {
      EngineListener l = f.create(options, engine);
      if (l != null) {
        engine.listeners.add(l);
        if (l instanceof Lineage recorder && engine.lineage == null) {
          engine.lineage = recorder;
        }
      }
    }
    return engine;
  }

  /**
   * @return the transport, for Warren's own tools (dead letters, queue management)
   */
  public Transport transport() {
    return transport;
  }

  /**
   * @return how this instance declares its durable queues (quorum or classic)
   */
  public QueueDeclarer queues() {
    return queues;
  }

  @Override
  public <R> CompletableFuture<R> request(
      String type, Object data, Class<R> replyType, Duration timeout) {
    String problem = dev.warren.Topics.typeProblem(type);
    if (problem != null) {
      throw new InvalidInputException("request type '" + type + "' is invalid: " + problem);
    }
    if (replyType == null) {
      throw new InvalidInputException("request '" + type + "' has no reply type");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new InvalidInputException(
          "timeout " + timeout + " of request '" + type + "' is not positive");
    }
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedFor("send request '" + type + "'"));
    }
    Event out;
    Requester r;
    try {
      out = complete(Event.builder(type).data(data).codec(codec).source(options.source()).build());
      r = requester(type);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    // why: registered before it is published, since the reply may come before the confirm
    CompletableFuture<R> reply = r.expect(out.id(), type, replyType, timeout);
    send(out, m -> r.publish(options.exchange(), out.type(), m))
        .whenComplete(
            (sent, error) -> {
              if (error != null) {
                reply.completeExceptionally(
                    error instanceof java.util.concurrent.CompletionException c
                            && c.getCause() != null
                        ? c.getCause()
                        : error);
              }
            });
    return reply;
  }

  private Requester requester(String type) {
    Requester r = requester;
    if (r == null) {
      synchronized (requesterLock) {
        r = requester;
        if (r == null) {
          // why: close() reads the requester under this lock after setting closed, so a requester
          // made here is either seen and closed by it, or not made at all
          if (closed.get()) {
            throw closedFor("send request '" + type + "'");
          }
          r = new Requester(transport, codec, options.instanceId());
          requester = r;
        }
      }
    }
    return r;
  }

  /**
   * @return how many requests of this instance wait for their reply
   */
  int pendingRequests() {
    Requester r = requester;
    return r == null ? 0 : r.pending();
  }

  @Override
  public <T> SubscriptionHandle respond(
      Subscription subscription, Class<T> type, ReplyHandler<? super T, ?> handler) {
    requireTyped(subscription, type, handler);
    return start(
        subscription, event -> handler.handle(Decoding.data(event, type), event), responder);
  }

  private final Object adminLock = new Object();
  private volatile WarrenAdmin admin;

  @Override
  public WarrenAdmin admin() {
    WarrenAdmin a = admin;
    if (a == null) {
      synchronized (adminLock) {
        a = admin;
        if (a == null) {
          // why: the task store opens on the first task call, not here: no worker, no store
          // connection for an instance that never looks at tasks
          a =
              new dev.warren.internal.admin.WarrenAdminImpl(
                  this, transport, () -> ((TaskQueue) tasks()).store());
          admin = a;
        }
      }
    }
    return a;
  }

  @Override
  public WarrenOptions options() {
    return options;
  }

  DataCodec codec() {
    return codec;
  }

  DelayQueues delays() {
    return delays;
  }

  @Override
  public CompletableFuture<Event> publish(String type, Object data) {
    try {
      // why: with the source set here, complete() need not build the event a second time
      return publish(Event.builder(type).data(data).codec(codec).source(options.source()).build());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Event> publish(Object data) {
    if (data instanceof Event event) {
      return publish(event);
    }
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedFor("publish"));
    }
    if (data == null) {
      return CompletableFuture.failedFuture(new InvalidInputException("cannot publish null"));
    }
    String type = TYPES.get(data.getClass());
    if (type == null) {
      return CompletableFuture.failedFuture(
          new InvalidInputException(
              data.getClass().getName()
                  + " has no @EventType: annotate it or use publish(type, data)"));
    }
    try {
      Event.Builder b = Event.builder(type).data(data).codec(codec).source(options.source());
      Object key = PartitionKeys.of(data);
      if (key != null) {
        b.partitionKey(key.toString());
      }
      return publish(b.build());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Event> publish(Event event) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedFor("publish"));
    }
    try {
      Event out = complete(event);
      return send(out, m -> transport.publish(options.exchange(), out.type(), m));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Encodes a complete event and hands it to {@code publisher}, telling the listeners.
   *
   * @param out the event, its source and correlation filled in
   * @param publisher publishes the message, completing on the broker's confirm
   * @return completes with the event on confirm
   */
  private CompletableFuture<Event> send(
      Event out, Function<Message, CompletableFuture<Void>> publisher) {
    try {
      if (listeners.isEmpty() && !observing.isOn()) {
        Message message =
            AmqpBinding.toMessage(
                out, Map.of(Topology.PARTITION_HEADER, out.partitionKey().orElse(out.id())));
        return publisher.apply(message).thenApply(v -> out);
      }
      Map<String, Object> extra = new java.util.HashMap<>();
      extra.put(Topology.PARTITION_HEADER, out.partitionKey().orElse(out.id()));
      listeners.beforePublish(out, extra);
      MessageObserver.Completion observed = observing.publishing(out, extra);
      long start = System.nanoTime();
      CompletableFuture<Void> confirmed;
      try {
        confirmed = publisher.apply(AmqpBinding.toMessage(out, extra));
      } catch (RuntimeException e) {
        observed.complete(e);
        throw e;
      }
      return confirmed.handle(
          (v, error) -> {
            observed.complete(
                error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause()
                    : error);
            if (error != null) {
              listeners.publishFailed(out, error);
              throw error instanceof java.util.concurrent.CompletionException c
                  ? c
                  : new java.util.concurrent.CompletionException(error);
            }
            listeners.published(out, out.data().length, System.nanoTime() - start);
            return out;
          });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Fills in the source, and correlation and causation from the event being handled. */
  private Event complete(Event event) {
    Event parent = HANDLING.get();
    boolean needsSource = event.source() == null;
    boolean inherit = parent != null && event.correlationId().isEmpty();
    if (!needsSource && !inherit) {
      return event;
    }
    Event.Builder b = event.toBuilder();
    if (needsSource) {
      b.source(options.source());
    }
    if (inherit) {
      b.correlationId(parent.correlationId().orElse(parent.id()));
      if (event.causationIds().isEmpty()) {
        b.causationIds(List.of(parent.id()));
      }
    }
    return b.build();
  }

  @Override
  public SubscriptionHandle subscribe(Subscription subscription, EventHandler handler) {
    if (handler == null) {
      throw new InvalidInputException(
          "subscription '"
              + (subscription == null ? null : subscription.name())
              + "' has no handler");
    }
    return start(
        subscription,
        event -> {
          handler.handle(event);
          return null;
        },
        null);
  }

  @Override
  public <T> SubscriptionHandle subscribe(
      Subscription subscription, Class<T> type, DataHandler<? super T> handler) {
    requireTyped(subscription, type, handler);
    return start(
        subscription,
        event -> {
          handler.handle(Decoding.data(event, type), event);
          return null;
        },
        null);
  }

  private static void requireTyped(Subscription subscription, Class<?> type, Object handler) {
    String name = subscription == null ? null : subscription.name();
    if (type == null) {
      throw new InvalidInputException("subscription '" + name + "' has no data type");
    }
    if (handler == null) {
      throw new InvalidInputException("subscription '" + name + "' has no handler");
    }
  }

  /**
   * Declares a subscription's queues and starts consuming.
   *
   * @param subscription the subscription
   * @param handler what runs for each event
   * @param responder sends replies (for {@link #respond}), or {@code null}
   */
  private SubscriptionHandle start(
      Subscription subscription, EventFunction handler, Responder responder) {
    if (subscription == null) {
      throw new InvalidInputException("subscription is null: name one with Subscription.named(..)");
    }
    if (closed.get()) {
      throw closedFor("subscribe '" + subscription.name() + "'");
    }
    if (subscription.patterns().isEmpty()) {
      throw new InvalidInputException(
          "subscription '"
              + subscription.name()
              + "' has no pattern: add one, for example .pattern(\"order.*\")");
    }
    List<String> queues = Topology.queueNames(subscription, options.instanceId());
    Topology.declareDeadLetterQueue(queues(), subscription);
    if (subscription.mode() == Subscription.Mode.ORDERED) {
      ExchangeSpec partitions = Topology.partitionExchange(subscription);
      transport.declareExchange(partitions);
      for (String queue : queues) {
        Topology.declareQueue(queues(), subscription, queue);
        transport.bind(queue, partitions.name(), "1");
      }
      for (String pattern : subscription.patterns()) {
        transport.bindExchange(partitions.name(), options.exchange(), pattern);
      }
    } else {
      String queue = queues.get(0);
      Topology.declareQueue(queues(), subscription, queue);
      for (String pattern : subscription.patterns()) {
        transport.bind(queue, options.exchange(), pattern);
      }
    }
    SubscriptionRunner runner =
        new SubscriptionRunner(this, subscription, queues, handler, responder);
    runners.add(runner);
    runner.start();
    log.debug("subscribed {} on {}", subscription, queues);
    return runner;
  }

  @Override
  public DeadLetters deadLetters(String subscription) {
    Subscription.named(subscription);
    if (closed.get()) {
      throw closedFor("read the dead letters of '" + subscription + "'");
    }
    return new DeadLettersImpl(subscription, transport, codec, listeners::replayed);
  }

  @Override
  public Tasks tasks() {
    TaskQueue t = tasks;
    if (t == null) {
      synchronized (tasksLock) {
        t = tasks;
        if (t == null) {
          if (closed.get()) {
            throw closedFor("use tasks()");
          }
          t = TaskQueue.create(this);
          tasks = t;
        }
      }
    }
    return t;
  }

  @Override
  public dev.warren.schedules.Schedules schedules() {
    dev.warren.internal.schedules.SchedulesImpl s = schedules;
    if (s == null) {
      synchronized (tasksLock) {
        s = schedules;
        if (s == null) {
          if (closed.get()) {
            throw closedFor("use schedules()");
          }
          s = dev.warren.internal.schedules.SchedulesImpl.create(this);
          schedules = s;
        }
      }
    }
    return s;
  }

  @Override
  public Lineage lineage() {
    Lineage l = lineage;
    if (l == null) {
      throw new WarrenException(
          "lineage recording is off (WARREN_LINEAGE=off, or warren-core's recorder is missing)");
    }
    return l;
  }

  /**
   * Adds a listener that observes publishing and handling.
   *
   * @param listener the listener
   */
  public void addListener(EngineListener listener) {
    listeners.add(listener);
  }

  EngineListener listeners() {
    return listeners;
  }

  /**
   * @return the options' message observer, guarded
   */
  Observing observing() {
    return observing;
  }

  private static WarrenClosedException closedFor(String what) {
    return new WarrenClosedException("cannot " + what + ": this Warren instance is closed");
  }

  void forget(SubscriptionRunner runner) {
    runners.remove(runner);
  }

  @Override
  public String describe() {
    String where = options.rabbitmqUri() == null ? "" : " " + options.rabbitmqUriForDisplay() + ",";
    return transport.name() + where + " " + transport.describe();
  }

  @Override
  public boolean isConnected() {
    return transport.isConnected();
  }

  @Override
  public java.util.Optional<String> blocked() {
    return transport.blocked();
  }

  @Override
  public List<SubscriptionHandle> subscriptions() {
    return List.copyOf(runners);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Requester r;
    synchronized (requesterLock) {
      r = requester;
    }
    if (r != null) {
      // why: a pending request fails at once rather than wait out its timeout on a closed instance
      r.close();
    }
    TaskQueue t;
    dev.warren.internal.schedules.SchedulesImpl s;
    synchronized (tasksLock) {
      t = tasks;
      s = schedules;
    }
    if (s != null) {
      // why: before the task queue, so no firing submits into a closing one
      try {
        s.close();
      } catch (RuntimeException e) {
        log.warn("closing the schedules failed: {}", e.toString());
      }
    }
    if (t != null) {
      try {
        t.close();
      } catch (RuntimeException e) {
        log.warn("closing the task queue failed: {}", e.toString());
      }
    }
    for (SubscriptionRunner runner : List.copyOf(runners)) {
      try {
        runner.close();
      } catch (RuntimeException e) {
        log.warn("closing subscription {} failed: {}", runner.subscription().name(), e.toString());
      }
    }
    transport.close();
    listeners.close();
  }

  /** Reads the {@link dev.warren.PartitionKey} component of typed events. */
  private static final class PartitionKeys {
    private static final ClassValue<java.lang.reflect.Method> ACCESSORS =
        new ClassValue<>() {
          @Override
          protected java.lang.reflect.Method computeValue(Class<?> type) {
            if (type.isRecord()) {
              for (java.lang.reflect.RecordComponent c : type.getRecordComponents()) {
                if (c.isAnnotationPresent(dev.warren.PartitionKey.class)
                    || c.getAccessor().isAnnotationPresent(dev.warren.PartitionKey.class)) {
                  java.lang.reflect.Method m = c.getAccessor();
                  m.setAccessible(true);
                  return m;
                }
              }
            }
            return null;
          }
        };

    static Object of(Object data) {
      java.lang.reflect.Method m = ACCESSORS.get(data.getClass());
      if (m == null) {
        return null;
      }
      try {
        return m.invoke(data);
      } catch (ReflectiveOperationException e) {
        throw new InvalidInputException(
            "cannot read the @PartitionKey of " + data.getClass().getName() + ": " + e, e);
      }
    }
  }

  /** Checks @EventType values once per class. */
  private static final class Topics {
    static String check(String type, Class<?> on) {
      String problem = dev.warren.Topics.typeProblem(type);
      if (problem != null) {
        throw new InvalidInputException(
            "@EventType(\"" + type + "\") on " + on.getName() + " is invalid: " + problem);
      }
      return type;
    }
  }
}

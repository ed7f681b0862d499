package dev.warren.internal.admin;

import dev.warren.DeadLetters;
import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.admin.MessageRates;
import dev.warren.admin.QueueDeclared;
import dev.warren.admin.QueueDefinition;
import dev.warren.admin.QueueInfo;
import dev.warren.admin.QueueNotFoundException;
import dev.warren.admin.QueuedMessage;
import dev.warren.admin.SubscriptionInfo;
import dev.warren.admin.TaskQuery;
import dev.warren.admin.WarrenAdmin;
import dev.warren.codec.JsonDataCodec;
import dev.warren.internal.engine.Topology;
import dev.warren.internal.envelope.AmqpBinding;
import dev.warren.spi.DataCodec;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.spi.TaskStore;
import dev.warren.transport.BrowsedMessage;
import dev.warren.transport.Delivery;
import dev.warren.transport.Message;
import dev.warren.transport.QueueSpec;
import dev.warren.transport.Transport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link WarrenAdmin} of one instance, over its transport and task store. Transport-neutral: every
 * broker call goes through the {@link Transport} SPI, so the in-memory broker and RabbitMQ answer
 * the same questions the same way.
 *
 * <p>Queue listings come from {@link Transport#listQueues()} (on RabbitMQ, its management API,
 * whose figures are refreshed every few seconds); a single queue's ready and consumer counts come
 * from {@link Transport#queueInfo(String)}, which is exact.
 */
public final class WarrenAdminImpl implements WarrenAdmin {
  private static final Logger log = LoggerFactory.getLogger(WarrenAdminImpl.class);

  /** The most messages {@link #peek} returns. */
  static final int MAX_PEEK = 1000;

  private final Warren warren;
  private final Transport transport;
  private final Supplier<TaskStore> taskStore;
  private final DataCodec codec;

  /**
   * @param warren the instance: its options, running subscriptions and dead letters
   * @param transport its transport
   * @param taskStore its task store, opened on first use (without starting a worker)
   */
  public WarrenAdminImpl(Warren warren, Transport transport, Supplier<TaskStore> taskStore) {
    this.warren = warren;
    this.transport = transport;
    this.taskStore = taskStore;
    DataCodec c = warren.options().codec();
    this.codec = c != null ? c : JsonDataCodec.defaults();
  }

  // --- queues

  @Override
  public List<QueueInfo> queues() {
    return transport.listQueues().stream()
        .sorted(Comparator.comparing(dev.warren.transport.QueueInfo::name))
        .map(WarrenAdminImpl::toAdmin)
        .toList();
  }

  @Override
  public Optional<QueueInfo> queue(String name) {
    checkQueueName(name);
    return details(name).map(WarrenAdminImpl::toAdmin);
  }

  @Override
  public QueueDeclared declareQueue(QueueDefinition definition) {
    if (definition == null) {
      throw new InvalidInputException("no queue definition given");
    }
    String name = definition.name();
    boolean existed = transport.queueInfo(name).isPresent();
    transport.declareQueue(spec(definition));
    String dlq = definition.deadLetterQueue();
    if (dlq != null && transport.queueInfo(dlq).isEmpty()) {
      // why: without its dead-letter queue the broker drops what it dead-letters, silently
      transport.declareQueue(QueueSpec.durable(dlq).withDurable(definition.durable()));
    }
    for (String pattern : definition.bindings()) {
      transport.bind(name, warren.options().exchange(), pattern);
    }
    QueueInfo now = details(name).map(WarrenAdminImpl::toAdmin).orElseThrow(() -> gone(name));
    log.info("queue {} {}", name, existed ? "declared (it existed)" : "created");
    return new QueueDeclared(now, !existed);
  }

  private static QueueSpec spec(QueueDefinition d) {
    Map<String, Object> args = new LinkedHashMap<>();
    if (d.type() == QueueDefinition.QueueType.QUORUM) {
      // why: classic is the broker's default; naming it would make a queue declared before
      // without the argument look different to RabbitMQ's equivalence check
      args.put(QueueSpec.QUEUE_TYPE, d.type().name().toLowerCase(Locale.ROOT));
    }
    if (d.messageTtl() != null) {
      args.put(QueueSpec.MESSAGE_TTL, d.messageTtl().toMillis());
    }
    if (d.maxLength() > 0) {
      args.put(QueueSpec.MAX_LENGTH, d.maxLength());
    }
    if (d.deadLetterQueue() != null) {
      args.put(QueueSpec.DEAD_LETTER_EXCHANGE, "");
      args.put(QueueSpec.DEAD_LETTER_ROUTING_KEY, d.deadLetterQueue());
    }
    return new QueueSpec(d.name(), d.durable(), false, false, args);
  }

  @Override
  public long purgeQueue(String name) {
    checkQueueName(name);
    existing(name);
    return transport.purgeQueue(name);
  }

  @Override
  public long moveMessages(String from, String to) {
    checkQueueName(from);
    checkQueueName(to);
    if (from.equals(to)) {
      throw new InvalidInputException("cannot move the messages of queue '" + from + "' to itself");
    }
    existing(from);
    existing(to);
    long moved = 0;
    for (Optional<Delivery> next = transport.get(from);
        next.isPresent();
        next = transport.get(from)) {
      Delivery d = next.get();
      try {
        // why: removed from the source only once the target confirmed it, so nothing is lost
        transport.publish("", to, d.message()).get(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        d.reject(true);
        Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        throw new WarrenException(
            "moved "
                + moved
                + " messages from queue '"
                + from
                + "' to '"
                + to
                + "', then the broker did not take one: "
                + cause.getMessage()
                + "; it stays in '"
                + from
                + "'",
            cause);
      }
      d.ack();
      moved++;
    }
    return moved;
  }

  @Override
  public boolean deleteQueue(String name) {
    checkQueueName(name);
    boolean existed = transport.queueInfo(name).isPresent();
    transport.deleteQueue(name);
    return existed;
  }

  @Override
  public List<QueuedMessage> peek(String name, int limit) {
    checkQueueName(name);
    if (limit < 1 || limit > MAX_PEEK) {
      throw new InvalidInputException("peek limit " + limit + " is not between 1 and " + MAX_PEEK);
    }
    existing(name);
    List<QueuedMessage> out = new ArrayList<>();
    for (BrowsedMessage m : transport.browse(name, limit)) {
      out.add(message(m));
    }
    return out;
  }

  private QueuedMessage message(Delivery d) {
    Message m = d.message();
    Map<String, Object> headers = new LinkedHashMap<>();
    m.headers()
        .forEach(
            (k, v) -> {
              if (k != null && v != null) {
                headers.put(k, v);
              }
            });
    Event event = null;
    if (isCloudEvent(m)) {
      try {
        event = AmqpBinding.toEvent(m, d.routingKey(), codec);
      } catch (RuntimeException e) {
        // why: a queue may hold messages from other publishers whose attributes are not valid
        log.debug("message in {} is no valid CloudEvent: {}", d.routingKey(), e.toString());
      }
    }
    return new QueuedMessage(d.routingKey(), d.redelivered(), headers, m.body(), event);
  }

  private static boolean isCloudEvent(Message m) {
    return m.origin() != null
        || m.headers().containsKey(AmqpBinding.PREFIX + "specversion")
        || m.headers().containsKey("cloudEvents:specversion");
  }

  @Override
  public CompletableFuture<Event> send(String name, Event event) {
    checkQueueName(name);
    if (event == null) {
      throw new InvalidInputException("no event given to send to queue '" + name + "'");
    }
    existing(name);
    Event out =
        event.source() == null
            ? event.toBuilder().source(warren.options().source()).build()
            : event;
    try {
      return transport.publish("", name, AmqpBinding.toMessage(out, Map.of())).thenApply(v -> out);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  // --- subscriptions

  @Override
  public List<SubscriptionInfo> subscriptions() {
    List<SubscriptionHandle> running = warren.subscriptions();
    Map<String, SubscriptionQueues> found =
        SubscriptionQueues.find(transport.listQueues(), runningNames(running));
    List<SubscriptionInfo> out = new ArrayList<>();
    for (SubscriptionQueues s : found.values()) {
      out.add(info(s, running, false));
    }
    return out;
  }

  @Override
  public Optional<SubscriptionInfo> subscription(String name) {
    Subscription.named(name);
    List<SubscriptionHandle> running = warren.subscriptions();
    SubscriptionQueues s =
        SubscriptionQueues.find(transport.listQueues(), runningNames(running)).get(name);
    return s == null ? Optional.empty() : Optional.of(info(s, running, true));
  }

  private static Set<String> runningNames(List<SubscriptionHandle> running) {
    Set<String> names = new LinkedHashSet<>();
    running.forEach(h -> names.add(h.subscription().name()));
    return names;
  }

  /**
   * @param exact whether to ask the broker for each queue's exact counts rather than take the
   *     listing's (on RabbitMQ, a few seconds old)
   */
  private SubscriptionInfo info(
      SubscriptionQueues s, List<SubscriptionHandle> running, boolean exact) {
    Subscription here = null;
    for (SubscriptionHandle h : running) {
      if (h.subscription().name().equals(s.name())) {
        here = h.subscription();
        break;
      }
    }
    Map<String, dev.warren.transport.QueueInfo> queues = new LinkedHashMap<>();
    s.queues().forEach(q -> queues.put(q.name(), q));
    if (here != null) {
      // why: a queue declared a moment ago may not be in the broker's listing yet
      for (String q : Topology.queueNames(here, warren.options().instanceId())) {
        if (!queues.containsKey(q)) {
          transport.queueInfo(q).ifPresent(i -> queues.put(q, i));
        }
      }
    }
    List<dev.warren.transport.QueueInfo> main = new ArrayList<>();
    for (dev.warren.transport.QueueInfo q : queues.values()) {
      if (exact) {
        refresh(q).ifPresent(main::add);
      } else {
        main.add(q);
      }
    }
    main.sort(Comparator.comparing(dev.warren.transport.QueueInfo::name));
    long ready = 0;
    long unacked = 0;
    int consumers = 0;
    for (dev.warren.transport.QueueInfo q : main) {
      ready += q.messages();
      consumers += q.consumers();
      unacked = unacked < 0 || q.unacknowledged() < 0 ? -1 : unacked + q.unacknowledged();
    }
    long waiting = 0;
    for (dev.warren.transport.QueueInfo w : s.waits()) {
      waiting += exact ? refresh(w).map(i -> i.messages()).orElse(0L) : w.messages();
    }
    long dead = 0;
    if (s.deadLetters() != null) {
      dead =
          exact
              ? refresh(s.deadLetters()).map(i -> i.messages()).orElse(0L)
              : s.deadLetters().messages();
    }
    return new SubscriptionInfo(
        s.name(),
        here != null ? here.mode() : s.mode(),
        here != null ? here.patterns() : List.of(),
        main.stream().map(dev.warren.transport.QueueInfo::name).toList(),
        ready,
        unacked,
        consumers,
        dead,
        waiting,
        sum(main),
        here != null);
  }

  private static MessageRates sum(List<dev.warren.transport.QueueInfo> queues) {
    double published = 0;
    double delivered = 0;
    double acknowledged = 0;
    boolean known = false;
    for (dev.warren.transport.QueueInfo q : queues) {
      MessageRates r = q.rates();
      if (r.known()) {
        known = true;
        published += Double.isNaN(r.published()) ? 0 : r.published();
        delivered += Double.isNaN(r.delivered()) ? 0 : r.delivered();
        acknowledged += Double.isNaN(r.acknowledged()) ? 0 : r.acknowledged();
      }
    }
    return known ? new MessageRates(published, delivered, acknowledged) : MessageRates.UNKNOWN;
  }

  @Override
  public List<String> deleteSubscription(String name) {
    Subscription.named(name);
    List<SubscriptionHandle> running = warren.subscriptions();
    // why: list before stopping anything, so a broker that cannot list leaves all as it was
    SubscriptionQueues found =
        SubscriptionQueues.find(transport.listQueues(), runningNames(running)).get(name);
    Set<String> queues = new LinkedHashSet<>();
    if (found != null) {
      queues.addAll(found.allQueueNames());
    }
    for (SubscriptionHandle h : running) {
      if (h.subscription().name().equals(name)) {
        for (String q : Topology.queueNames(h.subscription(), warren.options().instanceId())) {
          queues.add(q);
        }
        h.close();
        log.info("stopped subscription {} to delete it", name);
      }
    }
    queues.add(name + ".dlq");
    List<String> deleted = new ArrayList<>();
    for (String q : queues) {
      boolean existed = transport.queueInfo(q).isPresent();
      transport.deleteQueue(q);
      if (existed) {
        deleted.add(q);
      }
    }
    log.info("deleted subscription {}: {}", name, deleted);
    return deleted;
  }

  @Override
  public DeadLetters deadLetters(String subscription) {
    Subscription.named(subscription);
    if (transport.queueInfo(subscription + ".dlq").isEmpty()) {
      throw new QueueNotFoundException(subscription + ".dlq");
    }
    return warren.deadLetters(subscription);
  }

  // --- tasks

  @Override
  public List<TaskStatus> tasks(TaskQuery query) {
    if (query == null) {
      throw new InvalidInputException("no task query given: use TaskQuery.all()");
    }
    TaskStore store = taskStore.get();
    try {
      return store.list(query.states(), query.name(), query.since(), query.until(), query.limit());
    } catch (UnsupportedOperationException e) {
      throw new WarrenException("the task store " + store.describe() + " cannot list tasks", e);
    }
  }

  @Override
  public List<dev.warren.tasks.TaskLimitUsage> taskLimits() {
    return new dev.warren.internal.tasks.limits.TaskLimiter(taskStore.get(), java.time.Instant::now)
        .usage();
  }

  @Override
  public Optional<TaskStatus> task(String id) {
    if (id == null || id.isBlank()) {
      throw new InvalidInputException("task id must not be blank");
    }
    return taskStore.get().get(id.trim());
  }

  // --- helpers

  /**
   * Checks a name that may be an existing queue's: as {@link QueueDefinition#checkName}, but an
   * {@code amq.} name passes. why: the broker names some queues itself ({@code amq.gen-…}); they
   * may be looked at, purged and deleted, only not declared.
   */
  private static void checkQueueName(String name) {
    if (name == null || !name.startsWith("amq.")) {
      QueueDefinition.checkName("queue", name);
      return;
    }
    if (name.length() > 255 || name.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidInputException(
          "queue name '"
              + name.substring(0, Math.min(40, name.length()))
              + "' is not valid: at most 255 characters, none of them control characters");
    }
  }

  private dev.warren.transport.QueueInfo existing(String name) {
    return transport.queueInfo(name).orElseThrow(() -> new QueueNotFoundException(name));
  }

  private static QueueNotFoundException gone(String name) {
    return new QueueNotFoundException(name);
  }

  /**
   * A queue with everything the broker tells: the exact counts of {@link Transport#queueInfo} and,
   * where that answer lacks them (RabbitMQ over AMQP), the settings, unacknowledged count and rates
   * of the broker's listing.
   */
  private Optional<dev.warren.transport.QueueInfo> details(String name) {
    Optional<dev.warren.transport.QueueInfo> exact = transport.queueInfo(name);
    if (exact.isEmpty() || !partial(exact.get())) {
      return exact;
    }
    try {
      for (dev.warren.transport.QueueInfo listed : transport.listQueues()) {
        if (listed.name().equals(name)) {
          return Optional.of(merge(listed, exact.get()));
        }
      }
    } catch (WarrenException e) {
      log.debug("no listing for the details of queue {}: {}", name, e.toString());
    }
    return exact;
  }

  private Optional<dev.warren.transport.QueueInfo> refresh(dev.warren.transport.QueueInfo listed) {
    return transport.queueInfo(listed.name()).map(exact -> merge(listed, exact));
  }

  private static boolean partial(dev.warren.transport.QueueInfo q) {
    return q.unacknowledged() < 0 && q.arguments().isEmpty();
  }

  /** The listing's settings and rates with the exact answer's counts. */
  private static dev.warren.transport.QueueInfo merge(
      dev.warren.transport.QueueInfo listed, dev.warren.transport.QueueInfo exact) {
    if (!partial(exact)) {
      return exact;
    }
    return new dev.warren.transport.QueueInfo(
        exact.name(),
        exact.messages(),
        listed.unacknowledged(),
        exact.consumers(),
        listed.durable(),
        listed.arguments(),
        listed.rates());
  }

  private static QueueInfo toAdmin(dev.warren.transport.QueueInfo q) {
    return new QueueInfo(
        q.name(),
        q.messages(),
        q.unacknowledged(),
        q.consumers(),
        q.durable(),
        q.arguments(),
        q.rates());
  }
}

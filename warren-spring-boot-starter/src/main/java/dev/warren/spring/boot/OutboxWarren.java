package dev.warren.spring.boot;

import dev.warren.DeadLetters;
import dev.warren.Event;
import dev.warren.EventHandler;
import dev.warren.EventType;
import dev.warren.InvalidInputException;
import dev.warren.PartitionKey;
import dev.warren.ReplyHandler;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.admin.WarrenAdmin;
import dev.warren.codec.JsonDataCodec;
import dev.warren.lineage.Lineage;
import dev.warren.outbox.Outbox;
import dev.warren.schedules.Schedules;
import dev.warren.spi.DataCodec;
import dev.warren.tasks.Tasks;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The application's {@link Warren} with publishing through the outbox inside a Spring transaction:
 * {@code publish(..)} called while a read-write transaction is active writes the event into the
 * outbox on the transaction's own connection ({@link DataSourceUtils}), so it commits or rolls back
 * with the application's writes and the relay publishes it after the commit; called outside a
 * transaction (or in a read-only one, which has nothing to commit with it) it publishes directly.
 * Everything else is the wrapped instance's.
 *
 * <p>Inside a transaction the returned future completes once the event is in the outbox: the
 * broker's confirm comes after the commit, which the caller's method has not reached yet, so
 * waiting for it there could only time out. A failed write throws at once (a {@link
 * WarrenException}), so the transaction rolls back instead of committing without its event.
 */
final class OutboxWarren implements Warren {
  private static final ClassValue<String> TYPES =
      new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
          EventType annotation = type.getAnnotation(EventType.class);
          return annotation == null ? null : annotation.value();
        }
      };

  private static final ClassValue<Method> PARTITION_KEYS =
      new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
          if (type.isRecord()) {
            for (RecordComponent c : type.getRecordComponents()) {
              if (c.isAnnotationPresent(PartitionKey.class)
                  || c.getAccessor().isAnnotationPresent(PartitionKey.class)) {
                Method accessor = c.getAccessor();
                accessor.setAccessible(true);
                return accessor;
              }
            }
          }
          return null;
        }
      };

  private final Warren warren;
  private final Outbox outbox;
  private final DataSource dataSource;
  private final DataCodec codec;

  /**
   * @param warren the instance that publishes outside transactions, and everything else
   * @param outbox the outbox on {@code dataSource}
   * @param dataSource the data source whose transactions carry the events
   */
  OutboxWarren(Warren warren, Outbox outbox, DataSource dataSource) {
    this.warren = warren;
    this.outbox = outbox;
    this.dataSource = dataSource;
    DataCodec configured = warren.options().codec();
    this.codec = configured != null ? configured : JsonDataCodec.defaults();
  }

  /**
   * @param warren an instance, wrapped or not
   * @return the instance that publishes directly: what the relay must publish with
   */
  static Warren direct(Warren warren) {
    return warren instanceof OutboxWarren wrapped ? wrapped.warren : warren;
  }

  /** Whether a publish now belongs to a transaction that can carry it. */
  private static boolean inTransaction() {
    return TransactionSynchronizationManager.isActualTransactionActive()
        && !TransactionSynchronizationManager.isCurrentTransactionReadOnly();
  }

  @Override
  public CompletableFuture<Event> publish(String type, Object data) {
    if (!inTransaction()) {
      return warren.publish(type, data);
    }
    return write(Event.builder(type).data(data).codec(codec).source(options().source()).build());
  }

  @Override
  public CompletableFuture<Event> publish(Object data) {
    if (!inTransaction() || data instanceof Event) {
      return data instanceof Event event ? publish(event) : warren.publish(data);
    }
    if (data == null) {
      throw new InvalidInputException("cannot publish null");
    }
    // why: the same reading of @EventType and @PartitionKey as the engine's publish(Object),
    // which is internal to warren-core
    String type = TYPES.get(data.getClass());
    if (type == null) {
      throw new InvalidInputException(
          data.getClass().getName() + " has no @EventType: annotate it or use publish(type, data)");
    }
    Event.Builder event = Event.builder(type).data(data).codec(codec).source(options().source());
    Method key = PARTITION_KEYS.get(data.getClass());
    if (key != null) {
      Object value;
      try {
        value = key.invoke(data);
      } catch (ReflectiveOperationException e) {
        throw new InvalidInputException(
            "cannot read the @PartitionKey of " + data.getClass().getName() + ": " + e, e);
      }
      if (value != null) {
        event.partitionKey(value.toString());
      }
    }
    return write(event.build());
  }

  @Override
  public CompletableFuture<Event> publish(Event event) {
    if (!inTransaction()) {
      return warren.publish(event);
    }
    if (event == null) {
      throw new InvalidInputException("cannot publish null");
    }
    return write(
        event.source() == null ? event.toBuilder().source(options().source()).build() : event);
  }

  /** Writes the event into the outbox on the current transaction's connection. */
  private CompletableFuture<Event> write(Event event) {
    Connection connection = DataSourceUtils.getConnection(dataSource);
    try {
      return CompletableFuture.completedFuture(outbox.publish(connection, event));
    } catch (SQLException e) {
      throw new WarrenException(
          "cannot write event " + event.id() + " into " + outbox.table() + ": " + e.getMessage(),
          e);
    } finally {
      DataSourceUtils.releaseConnection(connection, dataSource);
    }
  }

  @Override
  public SubscriptionHandle subscribe(Subscription subscription, EventHandler handler) {
    return warren.subscribe(subscription, handler);
  }

  @Override
  public <T> SubscriptionHandle subscribe(
      Subscription subscription, Class<T> type, dev.warren.DataHandler<? super T> handler) {
    return warren.subscribe(subscription, type, handler);
  }

  @Override
  public <R> CompletableFuture<R> request(
      String type, Object data, Class<R> replyType, Duration timeout) {
    return warren.request(type, data, replyType, timeout);
  }

  @Override
  public <T> SubscriptionHandle respond(
      Subscription subscription, Class<T> type, ReplyHandler<? super T, ?> handler) {
    return warren.respond(subscription, type, handler);
  }

  @Override
  public WarrenAdmin admin() {
    return warren.admin();
  }

  @Override
  public WarrenOptions options() {
    return warren.options();
  }

  @Override
  public List<SubscriptionHandle> subscriptions() {
    return warren.subscriptions();
  }

  @Override
  public DeadLetters deadLetters(String subscription) {
    return warren.deadLetters(subscription);
  }

  @Override
  public Tasks tasks() {
    return warren.tasks();
  }

  @Override
  public Schedules schedules() {
    return warren.schedules();
  }

  @Override
  public Lineage lineage() {
    return warren.lineage();
  }

  @Override
  public String describe() {
    return warren.describe();
  }

  @Override
  public boolean isConnected() {
    return warren.isConnected();
  }

  @Override
  public Optional<String> blocked() {
    return warren.blocked();
  }

  @Override
  public void close() {
    warren.close();
  }

  @Override
  public String toString() {
    return warren + " with the outbox " + outbox.table() + " in transactions";
  }
}

package dev.warren.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.warren.BrokerUnavailableException;
import dev.warren.PublishRejectedException;
import dev.warren.WarrenException;
import dev.warren.transport.Message;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes with pipelined publisher confirms on one channel, at most {@code confirmWindow}
 * unconfirmed at a time.
 *
 * <p>Each publish takes a window permit on the caller's thread and is handed to this publisher's
 * writer thread, which takes, under a lock, the channel's next sequence number and writes it;
 * confirms ({@code multiple} ones included) settle every publish up to their sequence number. The
 * lock keeps sequence numbers and writes in the same order.
 *
 * <p>why a writer thread: a socket write blocks once the TCP buffers are full, which is what a
 * broker that stopped reading (a resource alarm) makes happen; the caller already holds its future
 * then, and every publish fails at its publish timeout whatever the writer is stuck in.
 *
 * <p>Every publish fails at its publish timeout, counted from the call, unless the broker confirmed
 * it by then: waiting for a window permit, for a channel, or for its confirm. Nothing succeeds
 * without the broker's confirm; a publish that failed at its timeout may still reach the broker.
 *
 * <p>Resource alarms: while the broker blocks the connection ({@code connection.blocked}, for
 * example {@code low on disk}), nothing more is written; new publishes wait in the backlog, and
 * publishes written before the broker said so wait for their confirm. Both fail at their publish
 * timeout with a {@link BrokerUnavailableException} naming the alarm, unless the alarm clears
 * first: then the backlog is published and settled by its confirms as usual. why wait instead of
 * failing at once: a memory alarm often clears within seconds, and the caller's timeout bounds the
 * wait either way (callers that must answer at once, such as the HTTP server, ask {@link
 * #blocked()} first). RabbitMQ tells a connection it is blocked only once it publishes during the
 * alarm, so the first publishes of an alarm are always written.
 *
 * <p>When the channel goes down, its unconfirmed publishes go back, in order, to the front of a
 * backlog; publishes made while there is no channel join the backlog too. Once a channel is back (a
 * new one when the broker closed it, after the connection recovered otherwise) the backlog is
 * published on it and settled by its confirms: nothing is reported confirmed that the broker did
 * not confirm, and the broker may receive a message twice. A publish that waits in the backlog
 * longer than the publish timeout fails with {@link BrokerUnavailableException}.
 */
final class ConfirmPublisher {
  private static final Logger log = LoggerFactory.getLogger(ConfirmPublisher.class);

  /**
   * Set while this class completes futures. Their dependants run on the same thread, which may be
   * the connection's reader: a publish from there must not wait for a window permit that only that
   * thread's confirms can free.
   */
  private static final ThreadLocal<Boolean> COMPLETING = new ThreadLocal<>();

  /** A channel closed by the broker this often with the same message in flight gives up on it. */
  private static final int MAX_REFUSALS = 3;

  private static final long SWEEP_MS = 100;

  /** How long a recovered publisher waits for the other connection to declare the topology. */
  private static final long TOPOLOGY_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Connection connection;
  private final String where;
  private final long timeoutNanos;
  private final Duration timeout;
  private final int windowSize;
  private final Semaphore window;
  private final ScheduledExecutorService tasks;
  private final BooleanSupplier topologyReady;
  private final ChannelSetup setup;
  private final ScheduledFuture<?> sweep;
  private final Thread writer;
  private final BlockedListener blockedListener;

  /** Publishes for the writer, in call order, and {@link #FLUSH} to publish the backlog. */
  private final BlockingQueue<Object> outbox = new LinkedBlockingQueue<>();

  /** Asks the writer to publish the backlog (a new channel, an alarm cleared). */
  private static final Object FLUSH = new Object();

  /**
   * Every publish not yet settled (and some that are), in call order, which is deadline order: the
   * sweep fails those past their deadline wherever they wait, without the lock a stuck write holds.
   */
  private final ConcurrentLinkedQueue<Pending> byDeadline = new ConcurrentLinkedQueue<>();

  /** The broker's reason while it blocks the connection for a resource alarm, else null. */
  private volatile String blockedReason;

  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicInteger outstanding = new AtomicInteger();

  /** Guarded by {@link #lock}. Publishes waiting for a channel, oldest first. */
  private final ArrayDeque<Pending> backlog = new ArrayDeque<>();

  /**
   * Written under {@link #lock}. The channel publishes go to, or {@code null} while there is none.
   */
  private volatile ConfirmChannel current;

  /**
   * Guarded by {@link #lock}. Channels that went down: amqp-client would bring them back with the
   * connection, so they are aborted, which also unregisters them, once a new one is open.
   */
  private final List<ConfirmChannel> retired = new ArrayList<>();

  private volatile boolean closing;
  private volatile boolean writerStopped;
  private volatile boolean shut;
  private long waitingForTopologySince;

  ConfirmPublisher(
      Connection connection,
      String where,
      int confirmWindow,
      Duration publishTimeout,
      ScheduledExecutorService tasks,
      BooleanSupplier topologyReady)
      throws IOException {
    this(connection, where, confirmWindow, publishTimeout, tasks, topologyReady, null);
  }

  /**
   * @param setup prepares each channel before anything is published on it (the first one, and each
   *     one that replaces a channel gone down), or {@code null}
   */
  ConfirmPublisher(
      Connection connection,
      String where,
      int confirmWindow,
      Duration publishTimeout,
      ScheduledExecutorService tasks,
      BooleanSupplier topologyReady,
      ChannelSetup setup)
      throws IOException {
    this.connection = connection;
    this.setup = setup;
    this.where = where;
    this.timeout = publishTimeout;
    this.timeoutNanos = publishTimeout.toNanos();
    this.windowSize = confirmWindow;
    this.window = new Semaphore(confirmWindow);
    this.tasks = tasks;
    this.topologyReady = topologyReady;
    ConfirmChannel first = open();
    lock.lock();
    try {
      current = first;
    } finally {
      lock.unlock();
    }
    this.blockedListener =
        new BlockedListener() {
          @Override
          public void handleBlocked(String reason) {
            blockedReason = reason == null || reason.isBlank() ? "resource alarm" : reason;
          }

          @Override
          public void handleUnblocked() {
            blockedReason = null;
            outbox.add(FLUSH);
          }
        };
    connection.addBlockedListener(blockedListener);
    this.writer = new Thread(this::writeLoop, "warren-publish-" + WRITERS.incrementAndGet());
    writer.setDaemon(true);
    writer.start();
    this.sweep =
        tasks.scheduleWithFixedDelay(this::expire, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
  }

  private static final AtomicInteger WRITERS = new AtomicInteger();

  /** Prepares a channel of this publisher, before anything is published on it. */
  @FunctionalInterface
  interface ChannelSetup {
    /**
     * @param channel a new confirm channel
     * @throws IOException when the broker refused
     */
    void setUp(Channel channel) throws IOException;
  }

  /** One publish, from the call until its confirm. */
  private static final class Pending {
    private static final AtomicIntegerFieldUpdater<Pending> SETTLED =
        AtomicIntegerFieldUpdater.newUpdater(Pending.class, "settled");

    final String exchange;
    final String routingKey;
    final AMQP.BasicProperties props;
    final byte[] body;
    final CompletableFuture<Void> future = new CompletableFuture<>();
    boolean permit;
    long deadline;
    int refusals;
    volatile int settled;

    Pending(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {
      this.exchange = exchange;
      this.routingKey = routingKey;
      this.props = props;
      this.body = body;
    }

    String describe() {
      return (props.getMessageId() == null ? "a message" : "message " + props.getMessageId())
          + " to exchange '"
          + exchange
          + "' with routing key '"
          + routingKey
          + "'";
    }
  }

  /** A confirm channel and the publishes awaiting its confirms, by sequence number. */
  private final class ConfirmChannel implements ConfirmListener, ShutdownListener {
    final Channel channel;
    final ConcurrentNavigableMap<Long, Pending> unconfirmed = new ConcurrentSkipListMap<>();

    /** Written under {@link #lock}. */
    volatile boolean dead;

    ConfirmChannel(Channel channel) {
      this.channel = channel;
    }

    @Override
    public void handleAck(long seq, boolean multiple) {
      settle(seq, multiple, true);
    }

    @Override
    public void handleNack(long seq, boolean multiple) {
      settle(seq, multiple, false);
    }

    private void settle(long seq, boolean multiple, boolean ack) {
      Boolean outer = COMPLETING.get();
      COMPLETING.set(Boolean.TRUE);
      try {
        if (multiple) {
          ConcurrentNavigableMap<Long, Pending> head = unconfirmed.headMap(seq, true);
          for (Iterator<Pending> it = head.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            it.remove();
            settle(p, ack);
          }
        } else {
          Pending p = unconfirmed.remove(seq);
          if (p != null) {
            settle(p, ack);
          }
        }
      } finally {
        COMPLETING.set(outer);
      }
    }

    private void settle(Pending p, boolean ack) {
      if (ack) {
        succeed(p);
      } else {
        fail(
            p,
            new PublishRejectedException(
                "RabbitMQ refused " + p.describe() + " (negative publisher confirm)"));
      }
    }

    @Override
    public void shutdownCompleted(ShutdownSignalException cause) {
      // why: this runs on the connection's reader thread, which must never wait for the publish
      // lock: a publisher holding it may be stuck writing to a dead socket that only this thread
      // closes once it returns
      try {
        tasks.execute(() -> channelLost(this, cause));
      } catch (RejectedExecutionException e) {
        channelLost(this, cause);
      }
    }
  }

  /**
   * @param exchange the exchange
   * @param routingKey the routing key
   * @param message the message
   * @return completes when the broker confirmed it
   */
  CompletableFuture<Void> publish(String exchange, String routingKey, Message message) {
    if (closing) {
      return CompletableFuture.failedFuture(
          new WarrenException("the RabbitMQ transport is closed"));
    }
    Pending p;
    try {
      p = new Pending(exchange, routingKey, MessageMapper.toProperties(message), message.body());
    } catch (WarrenException e) {
      return CompletableFuture.failedFuture(e);
    }
    p.deadline = System.nanoTime() + timeoutNanos;
    if (!acquire(p, p.deadline)) {
      return p.future;
    }
    outstanding.incrementAndGet();
    byDeadline.add(p);
    outbox.add(p);
    if (writerStopped) {
      // why: closed while this publish was being handed over; nobody writes it any more
      fail(p, new WarrenException("the RabbitMQ transport is closed"));
    }
    return p.future;
  }

  /**
   * @return the broker's reason (for example {@code low on disk}) while it blocks this publisher's
   *     connection for a resource alarm, empty otherwise
   */
  Optional<String> blocked() {
    return Optional.ofNullable(blockedReason);
  }

  /**
   * Writes what publishers hand over, in order: on the current channel, or into the backlog while
   * there is none or the broker blocks the connection.
   */
  private void writeLoop() {
    List<Object> batch = new ArrayList<>();
    while (!writerStopped) {
      try {
        batch.add(outbox.take());
      } catch (InterruptedException e) {
        continue;
      }
      outbox.drainTo(batch, 1024);
      lock.lock();
      try {
        flushBacklog();
        for (Object o : batch) {
          if (o instanceof Pending p && p.settled == 0) {
            ConfirmChannel cc = current;
            if (cc != null && blockedReason == null && backlog.isEmpty()) {
              send(cc, p);
            } else {
              backlog.addLast(p);
            }
          }
        }
      } catch (RuntimeException e) {
        log.error("RabbitMQ at {}: publishing failed", where, e);
      } finally {
        lock.unlock();
      }
      batch.clear();
    }
  }

  /** Called with {@link #lock} held: publishes the backlog while a channel takes it. */
  private void flushBacklog() {
    ConfirmChannel cc = current;
    int n = 0;
    while (cc != null && current == cc && blockedReason == null && !backlog.isEmpty()) {
      Pending p = backlog.pollFirst();
      if (p.settled == 0) {
        send(cc, p);
        n++;
      }
    }
    if (n > 0) {
      log.info("RabbitMQ at {}: published {} waiting messages", where, n);
    }
  }

  private boolean acquire(Pending p, long deadline) {
    if (window.tryAcquire()) {
      p.permit = true;
      return true;
    }
    if (COMPLETING.get() == Boolean.TRUE) {
      // why: this thread completes confirms; waiting here for a permit could wait forever
      p.permit = false;
      return true;
    }
    try {
      if (window.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        p.permit = true;
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.future.completeExceptionally(
          new WarrenException("interrupted while waiting to publish " + p.describe(), e));
      return false;
    }
    String alarm = blockedReason;
    p.future.completeExceptionally(
        alarm != null
            ? blocked(alarm)
            : connection.isOpen()
                ? new BrokerUnavailableException(
                    "RabbitMQ at "
                        + where
                        + " confirmed none of the last "
                        + windowSize
                        + " publishes within "
                        + BrokerErrors.human(timeout))
                : unavailable());
    return false;
  }

  private BrokerUnavailableException blocked(String alarm) {
    return new BrokerUnavailableException(BrokerErrors.blocked(where, alarm, timeout));
  }

  /** Why a publish failed at its timeout, from where it waited. */
  private BrokerUnavailableException timedOut(Pending p) {
    String alarm = blockedReason;
    if (alarm != null) {
      return blocked(alarm);
    }
    if (!connection.isOpen() || !hasChannelNow()) {
      return unavailable();
    }
    return new BrokerUnavailableException(
        "RabbitMQ at "
            + where
            + " did not confirm "
            + p.describe()
            + " within "
            + BrokerErrors.human(timeout)
            + " (the publish timeout)");
  }

  /** Without the lock, which a stuck write may hold. */
  private boolean hasChannelNow() {
    ConfirmChannel cc = current;
    return cc != null && cc.channel.isOpen();
  }

  private BrokerUnavailableException unavailable() {
    return new BrokerUnavailableException(
        "RabbitMQ at "
            + where
            + " unavailable for "
            + BrokerErrors.human(timeout)
            + " (the publish timeout); the message was not confirmed");
  }

  /** Called with {@link #lock} held. */
  private void send(ConfirmChannel cc, Pending p) {
    long seq = cc.channel.getNextPublishSeqNo();
    cc.unconfirmed.put(seq, p);
    try {
      cc.channel.basicPublish(p.exchange, p.routingKey, false, p.props, p.body);
    } catch (IOException | AlreadyClosedException e) {
      // why: the channel is going down; its shutdown listener, waiting for the lock, moves this
      // publish to the backlog with the others
    } catch (RuntimeException e) {
      // why: amqp-client numbered the publish but did not send it, so this channel's sequence
      // numbers are off; give up on the message and move the others to a new channel
      cc.unconfirmed.remove(seq);
      fail(p, new WarrenException("could not publish " + p.describe() + ": " + e.getMessage(), e));
      tasks.execute(
          () -> {
            try {
              cc.channel.abort();
            } catch (IOException | RuntimeException ignored) {
              // it goes down either way
            }
          });
    }
  }

  private void channelLost(ConfirmChannel cc, ShutdownSignalException cause) {
    List<Pending> failed = new ArrayList<>();
    List<WarrenException> errors = new ArrayList<>();
    boolean reopen;
    lock.lock();
    try {
      if (cc.dead) {
        return;
      }
      cc.dead = true;
      retired.add(cc);
      if (cause.isHardError()) {
        // why: the connection is gone, and with it the block; RabbitMQ blocks the next one again
        // when it publishes during the alarm
        blockedReason = null;
      }
      if (current == cc) {
        current = null;
      }
      // why: a channel the broker closed over one message must not take that message down with
      // it forever; the broker's text names the exchange when it is missing, otherwise count
      int code = BrokerErrors.replyCode(cause);
      boolean refused =
          BrokerErrors.channelClose(cause) != null
              || (!cause.isInitiatedByApplication()
                  && code != 0
                  && code != BrokerErrors.CONNECTION_FORCED);
      String text = BrokerErrors.replyText(cause);
      String missing = code == BrokerErrors.NOT_FOUND ? BrokerErrors.missingExchange(text) : null;
      List<Pending> again = new ArrayList<>(cc.unconfirmed.values());
      cc.unconfirmed.clear();
      for (int i = again.size() - 1; i >= 0; i--) {
        Pending p = again.get(i);
        if (p.settled != 0) {
          continue;
        }
        if (missing != null && p.exchange.equals(missing)) {
          failed.add(p);
          errors.add(new WarrenException("exchange '" + missing + "' does not exist: " + text));
        } else if (refused && missing == null && ++p.refusals >= MAX_REFUSALS) {
          failed.add(p);
          errors.add(
              new PublishRejectedException("RabbitMQ refused " + p.describe() + ": " + text));
        } else {
          // why: it keeps its deadline, counted from the call: the publish timeout bounds it
          backlog.addFirst(p);
        }
      }
      reopen = !closing || !backlog.isEmpty();
      if (!cause.isInitiatedByApplication() && !cause.isHardError()) {
        log.warn("RabbitMQ at {}: the broker closed the publishing channel: {}", where, text);
      }
    } finally {
      lock.unlock();
    }
    completing(
        () -> {
          for (int i = 0; i < failed.size(); i++) {
            fail(failed.get(i), errors.get(i));
          }
        });
    // why: after a connection loss the connection's recovery reopens; a channel the broker
    // closed on a live connection is replaced right away
    if (reopen && !cause.isHardError() && connection.isOpen()) {
      tasks.execute(this::reopen);
    }
  }

  /** The connection recovered: publish the backlog on a new channel. */
  void connectionRecovered() {
    try {
      tasks.execute(this::reopen);
    } catch (RejectedExecutionException e) {
      // closed meanwhile
    }
  }

  private void reopen() {
    if (shut) {
      return;
    }
    List<ConfirmChannel> old;
    lock.lock();
    try {
      if (current != null && !current.dead) {
        return;
      }
      if (!topologyReady.getAsBoolean()) {
        // why: after a broker restart a transient exchange exists again only once the other
        // connection declared it; publishing before would close the channel
        long now = System.nanoTime();
        if (waitingForTopologySince == 0) {
          waitingForTopologySince = now;
        }
        if (now - waitingForTopologySince < TOPOLOGY_WAIT_NANOS) {
          tasks.schedule(this::reopen, 50, TimeUnit.MILLISECONDS);
          return;
        }
      }
      waitingForTopologySince = 0;
      old = new ArrayList<>(retired);
      retired.clear();
    } finally {
      lock.unlock();
    }
    for (ConfirmChannel dead : old) {
      try {
        dead.channel.abort();
      } catch (IOException | RuntimeException ignored) {
        // replacing it
      }
    }
    ConfirmChannel cc;
    try {
      cc = open();
    } catch (IOException | RuntimeException e) {
      if (connection.isOpen() && !closingAndIdle()) {
        log.warn(
            "RabbitMQ at {}: cannot open a publishing channel ({}); retrying in 1 s",
            where,
            BrokerErrors.reason(e));
        tasks.schedule(this::reopen, 1, TimeUnit.SECONDS);
      }
      return;
    }
    lock.lock();
    try {
      current = cc;
    } finally {
      lock.unlock();
    }
    // why: the writer publishes the backlog; a write may block, and this is the tasks thread
    outbox.add(FLUSH);
  }

  private ConfirmChannel open() throws IOException {
    Channel ch = connection.createChannel();
    if (ch == null) {
      throw new IOException("the connection has no free channel number");
    }
    ConfirmChannel cc = new ConfirmChannel(ch);
    try {
      ch.confirmSelect();
      ch.addConfirmListener(cc);
      ch.addShutdownListener(cc);
      if (setup != null) {
        setup.setUp(ch);
      }
    } catch (IOException | RuntimeException e) {
      try {
        ch.abort();
      } catch (IOException | RuntimeException ignored) {
        // closed either way
      }
      throw e;
    }
    return cc;
  }

  /**
   * Fails publishes not confirmed within the publish timeout, wherever they wait: for a channel,
   * for the alarm to clear, for their confirm, or behind a write that does not return.
   */
  private void expire() {
    long now = System.nanoTime();
    List<Pending> expired = new ArrayList<>();
    for (Pending p = byDeadline.peek(); p != null; p = byDeadline.peek()) {
      if (p.settled == 0 && now - p.deadline < 0) {
        break;
      }
      byDeadline.poll();
      if (p.settled == 0) {
        expired.add(p);
      }
    }
    if (expired.isEmpty()) {
      return;
    }
    String alarm = blockedReason;
    log.warn(
        "RabbitMQ at {}: {} publishes failed, not confirmed within {}{}",
        where,
        expired.size(),
        BrokerErrors.human(timeout),
        alarm == null ? "" : " (the broker blocks publishing: " + alarm + ")");
    completing(
        () -> {
          for (Pending p : expired) {
            fail(p, timedOut(p));
          }
        });
    // why: failed publishes leave the backlog now when the lock is free, else when it is published
    if (lock.tryLock()) {
      try {
        backlog.removeIf(p -> p.settled != 0);
      } finally {
        lock.unlock();
      }
    }
  }

  private void succeed(Pending p) {
    if (Pending.SETTLED.compareAndSet(p, 0, 1)) {
      release(p);
      p.future.complete(null);
    }
  }

  private void fail(Pending p, WarrenException e) {
    if (Pending.SETTLED.compareAndSet(p, 0, 1)) {
      release(p);
      p.future.completeExceptionally(e);
    }
  }

  private void release(Pending p) {
    if (p.permit) {
      window.release();
    }
    outstanding.decrementAndGet();
  }

  private static void completing(Runnable r) {
    Boolean outer = COMPLETING.get();
    COMPLETING.set(Boolean.TRUE);
    try {
      r.run();
    } finally {
      COMPLETING.set(outer);
    }
  }

  /**
   * Waits for the confirms of publishes under way, fails what is left, and closes the channel: for
   * a publisher that stops while its connection stays (a reply channel). Idempotent.
   *
   * @param timeout how long to wait for confirms
   */
  void close(Duration timeout) {
    if (shut) {
      return;
    }
    drain(timeout);
    shut = true;
    sweep.cancel(false);
    connection.removeBlockedListener(blockedListener);
    List<ConfirmChannel> channels = new ArrayList<>();
    if (tryLock()) {
      try {
        if (current != null) {
          channels.add(current);
          current = null;
        }
        channels.addAll(retired);
        retired.clear();
      } finally {
        lock.unlock();
      }
    } else {
      log.warn("RabbitMQ at {}: a publish is stuck writing; its channel stays open", where);
    }
    for (ConfirmChannel cc : channels) {
      try {
        // why: abort also unregisters the channel from connection recovery
        cc.channel.abort();
      } catch (IOException | RuntimeException ignored) {
        // closed either way
      }
    }
  }

  /**
   * @return whether a channel is open to publish on
   */
  boolean hasChannel() {
    ConfirmChannel cc = current;
    return cc != null && !cc.dead && cc.channel.isOpen();
  }

  private boolean tryLock() {
    try {
      return lock.tryLock(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * @return publishes not settled yet
   */
  int outstanding() {
    return outstanding.get();
  }

  private boolean closingAndIdle() {
    return closing && outstanding.get() == 0;
  }

  /** Refuses new publishes; those under way still complete. */
  void stopAccepting() {
    closing = true;
  }

  /**
   * Waits for the confirms of publishes under way, then fails what is left.
   *
   * @param timeout how long to wait
   */
  void drain(Duration timeout) {
    closing = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (outstanding.get() > 0 && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    // why: a writer stuck in a write to a broker that stopped reading leaves when the connection
    // closes; nothing is written after this
    writerStopped = true;
    writer.interrupt();
    outbox.clear();
    List<Pending> left = new ArrayList<>();
    for (Pending p; (p = byDeadline.poll()) != null; ) {
      if (p.settled == 0) {
        left.add(p);
      }
    }
    // why: never wait for a lock that a write stuck on a blocked connection holds
    if (tryLock()) {
      try {
        backlog.clear();
        ConfirmChannel cc = current;
        if (cc != null) {
          cc.unconfirmed.clear();
        }
      } finally {
        lock.unlock();
      }
    }
    if (!left.isEmpty()) {
      log.warn(
          "RabbitMQ at {}: closed with {} publishes not confirmed after {}",
          where,
          left.size(),
          BrokerErrors.human(timeout));
      completing(
          () -> {
            for (Pending p : left) {
              fail(
                  p,
                  new WarrenException(
                      "the RabbitMQ transport closed before the broker confirmed " + p.describe()));
            }
          });
    }
  }
}

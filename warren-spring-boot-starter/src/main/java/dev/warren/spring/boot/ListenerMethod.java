package dev.warren.spring.boot;

import dev.warren.Event;
import dev.warren.EventType;
import dev.warren.InvalidInputException;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One {@link WarrenListener} method of one bean: its subscription, built and checked when the bean
 * is created (so a bad attribute stops the application at start-up, naming the method), and how its
 * parameters are filled.
 */
final class ListenerMethod {
  private enum Argument {
    DATA,
    EVENT,
    SUBSCRIPTION
  }

  private final Invoker invoker;
  private final Subscription subscription;
  private final Argument[] arguments;
  private final Class<?> dataType;
  private final boolean returnsValue;

  private ListenerMethod(
      Invoker invoker,
      Subscription subscription,
      Argument[] arguments,
      Class<?> dataType,
      boolean returnsValue) {
    this.invoker = invoker;
    this.subscription = subscription;
    this.arguments = arguments;
    this.dataType = dataType;
    this.returnsValue = returnsValue;
  }

  /**
   * @param bean the bean
   * @param method the annotated method, invocable on the bean
   * @param annotation its annotation
   * @param resolve resolves {@code ${…}} placeholders
   * @return the listener
   * @throws InvalidInputException naming the method and the attribute or parameter that is wrong
   */
  static ListenerMethod of(
      Object bean, Method method, WarrenListener annotation, UnaryOperator<String> resolve) {
    String where = Invoker.describe(method);
    try {
      Subscription subscription = subscription(annotation, resolve);
      Class<?>[] types = method.getParameterTypes();
      Argument[] arguments = new Argument[types.length];
      Class<?> dataType = null;
      for (int i = 0; i < types.length; i++) {
        if (types[i] == Event.class) {
          arguments[i] = Argument.EVENT;
        } else if (types[i] == Subscription.class) {
          arguments[i] = Argument.SUBSCRIPTION;
        } else if (dataType == null) {
          arguments[i] = Argument.DATA;
          dataType = types[i];
        } else {
          throw new InvalidInputException(
              "parameter "
                  + (i + 1)
                  + " ("
                  + types[i].getSimpleName()
                  + ") is a second data parameter after "
                  + dataType.getSimpleName()
                  + ": a listener takes one data parameter, the Event and the Subscription");
        }
      }
      boolean returnsValue = method.getReturnType() != void.class;
      return new ListenerMethod(
          new Invoker(bean, method), subscription, arguments, dataType, returnsValue);
    } catch (InvalidInputException e) {
      // why: the message says it all; the inner trace would only point into this class
      throw new InvalidInputException("@WarrenListener " + where + ": " + e.getMessage());
    }
  }

  private static Subscription subscription(WarrenListener a, UnaryOperator<String> resolve) {
    Subscription s = Subscription.named(resolve.apply(a.subscription()));
    List<String> patterns = new ArrayList<>();
    for (String pattern : a.pattern()) {
      patterns.add(resolve.apply(pattern));
    }
    if (patterns.isEmpty()) {
      throw new InvalidInputException("pattern is empty: give at least one topic pattern");
    }
    s = s.patterns(patterns.toArray(String[]::new));
    s =
        switch (a.mode()) {
          case COMPETING -> s.competing();
          case BROADCAST -> s.broadcast();
          case ORDERED -> s.ordered();
        };
    Integer partitions = number("partitions", a.partitions(), resolve);
    if (partitions != null) {
      s = s.partitions(partitions);
    }
    Integer concurrency = number("concurrency", a.concurrency(), resolve);
    if (concurrency != null) {
      s = s.concurrency(concurrency);
    }
    Integer prefetch = number("prefetch", a.prefetch(), resolve);
    if (prefetch != null) {
      s = s.prefetch(prefetch);
    }
    s = s.queueType(a.queueType());
    if (a.deduplicate()) {
      s = s.deduplicate();
    }
    return s.retry(retry(a, resolve));
  }

  private static RetryPolicy retry(WarrenListener a, UnaryOperator<String> resolve) {
    Integer immediate = number("immediateRetries", a.immediateRetries(), resolve);
    if (!a.retry()) {
      if (immediate != null || a.retryDelays().length > 0) {
        throw new InvalidInputException(
            "retry = false contradicts immediateRetries or retryDelays: remove one of them");
      }
      return RetryPolicy.none();
    }
    RetryPolicy.Builder b = RetryPolicy.builder();
    if (immediate != null) {
      b.immediateRetries(immediate);
    }
    if (a.retryDelays().length > 0) {
      // why: one duration syntax across Warren (options, CLI, HTTP): WarrenOptions'
      Duration[] delays =
          Arrays.stream(a.retryDelays())
              .map(d -> WarrenOptions.parseDuration("retryDelays", resolve.apply(d)))
              .toArray(Duration[]::new);
      b.delays(delays);
    }
    for (Class<? extends Throwable> type : a.nonRetryable()) {
      b.nonRetryable(type);
    }
    return b.build();
  }

  private static Integer number(String attribute, String value, UnaryOperator<String> resolve) {
    String text = resolve.apply(value).trim();
    if (text.isEmpty()) {
      return null;
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(attribute + " '" + text + "' is not a whole number");
    }
  }

  /**
   * @return the subscription this method receives
   */
  Subscription subscription() {
    return subscription;
  }

  /**
   * @return where the method is, for messages
   */
  String where() {
    return Invoker.describe(invoker.method());
  }

  /**
   * Subscribes the method. why: no observation here; the options' observer observes every handler
   * run, annotated or not, and continues the publisher's trace
   *
   * @param warren the instance
   * @return the running subscription
   */
  SubscriptionHandle subscribe(Warren warren) {
    if (!returnsValue) {
      if (dataType == null) {
        return warren.subscribe(subscription, event -> call(null, event));
      }
      return warren.subscribe(subscription, dataType, (data, event) -> call(data, event));
    }
    // why: respond() is subscribe() that also answers a requester; a plain event is handled alike
    Class<?> requestType = dataType == null ? byte[].class : dataType;
    return warren.respond(
        subscription, requestType, (data, event) -> reply(warren, call(data, event)));
  }

  private Object call(Object data, Event event) throws Exception {
    Object[] args = new Object[arguments.length];
    for (int i = 0; i < args.length; i++) {
      args[i] =
          switch (arguments[i]) {
            case DATA -> data;
            case EVENT -> event;
            case SUBSCRIPTION -> subscription;
          };
    }
    return invoker.invoke(args);
  }

  /**
   * Publishes what the method returned when it is an event, then hands the requester its reply.
   * Runs on the handler's thread, so the engine makes the published event a consequence of the one
   * handled (correlation and causation).
   */
  private static Object reply(Warren warren, Object result) throws Exception {
    if (result instanceof Event event) {
      Invoker.await(warren.publish(event));
      // why: the codecs pass bytes through, so the requester gets the event's data as it is
      return event.data();
    }
    if (result != null && result.getClass().isAnnotationPresent(EventType.class)) {
      Invoker.await(warren.publish(result));
    }
    return result;
  }
}

package dev.warren.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.ShutdownSignalException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what the broker said when it closed a channel or a connection. */
final class BrokerErrors {
  /** AMQP reply code: the broker closed the connection on purpose (close_all_connections, stop). */
  static final int CONNECTION_FORCED = 320;

  /** AMQP reply code: a declaration differs from what exists, or a precondition failed. */
  static final int PRECONDITION_FAILED = 406;

  /** AMQP reply code: no such queue or exchange. */
  static final int NOT_FOUND = 404;

  /** AMQP reply code: an exclusive queue of another connection. */
  static final int RESOURCE_LOCKED = 405;

  private static final Pattern MISSING_EXCHANGE =
      Pattern.compile("no exchange '(.*)' in vhost '.*'");
  private static final Pattern CODE_PREFIX = Pattern.compile("^[A-Z_]+ - ");

  private BrokerErrors() {}

  /**
   * @param e an exception from amqp-client
   * @return the shutdown signal it carries, or {@code null}
   */
  static ShutdownSignalException signal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ShutdownSignalException s) {
        return s;
      }
    }
    return null;
  }

  /**
   * @param s a shutdown signal
   * @return the channel-level close the broker sent, or {@code null} for anything else
   */
  static AMQP.Channel.Close channelClose(ShutdownSignalException s) {
    if (s == null || s.isHardError() || s.isInitiatedByApplication()) {
      return null;
    }
    return s.getReason() instanceof AMQP.Channel.Close c ? c : null;
  }

  /**
   * @param s a shutdown signal, or {@code null}
   * @return the reply code, or 0 when there is none (an I/O failure)
   */
  static int replyCode(ShutdownSignalException s) {
    Method m = s == null ? null : s.getReason();
    if (m instanceof AMQP.Channel.Close c) {
      return c.getReplyCode();
    }
    if (m instanceof AMQP.Connection.Close c) {
      return c.getReplyCode();
    }
    return 0;
  }

  /**
   * @param s a shutdown signal, or {@code null}
   * @return the broker's reply text without its code prefix, or {@code null}
   */
  static String replyText(ShutdownSignalException s) {
    Method m = s == null ? null : s.getReason();
    if (m instanceof AMQP.Channel.Close c) {
      return text(c.getReplyText());
    }
    if (m instanceof AMQP.Connection.Close c) {
      return text(c.getReplyText());
    }
    return null;
  }

  /**
   * @param replyText a reply text such as {@code PRECONDITION_FAILED - inequivalent arg ...}
   * @return the text without the code prefix
   */
  static String text(String replyText) {
    return replyText == null ? "" : CODE_PREFIX.matcher(replyText).replaceFirst("");
  }

  /**
   * @param replyText a reply text
   * @return the exchange named by a {@code no exchange 'x' in vhost 'v'} refusal, or {@code null}
   */
  static String missingExchange(String replyText) {
    if (replyText == null) {
      return null;
    }
    Matcher m = MISSING_EXCHANGE.matcher(replyText);
    return m.find() ? m.group(1) : null;
  }

  /**
   * @param e any exception
   * @return a one-line reason: the broker's reply text, or the innermost message
   */
  static String reason(Throwable e) {
    ShutdownSignalException s = signal(e);
    String text = replyText(s);
    if (text != null && !text.isEmpty()) {
      return text;
    }
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  /**
   * @param where the broker, as {@code host:port vhost v}
   * @param alarm the broker's reason for blocking, for example {@code low on disk}
   * @param timeout the publish timeout
   * @return why a publish failed while a resource alarm blocks the connection
   */
  static String blocked(String where, String alarm, Duration timeout) {
    return "RabbitMQ at "
        + where
        + " blocked publishing: "
        + alarm
        + " (resource alarm); nothing was confirmed within "
        + human(timeout)
        + " (the publish timeout)";
  }

  /**
   * @param d a duration
   * @return it for people: {@code 30 s}, {@code 1.5 s}, {@code 500 ms}
   */
  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 == 0) {
      return (ms / 1000) + " s";
    }
    if (ms > 1000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    return ms + " ms";
  }
}

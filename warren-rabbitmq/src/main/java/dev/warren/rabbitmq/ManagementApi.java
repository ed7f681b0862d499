package dev.warren.rabbitmq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.admin.MessageRates;
import dev.warren.transport.QueueInfo;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RabbitMQ's management HTTP API, for what AMQP cannot tell: the list of queues, their
 * unacknowledged counts and message rates. Found at {@link WarrenOptions#managementUrl()}, or port
 * 15672 (15671 for amqps) of the broker's host, with the broker's credentials either way. With the
 * nodes of a cluster, every node serves the same API: one that cannot be reached is passed over for
 * the next.
 */
final class ManagementApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> bases;
  private volatile int current;
  private final String vhost;
  private final String auth;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  /**
   * @param options the broker's URI and, when set, the management API's URL
   */
  ManagementApi(WarrenOptions options) {
    this(bases(options), URI.create(options.rabbitmqUris().get(0)));
  }

  /**
   * @param bases the API's base URLs, asked in this order
   * @param broker the broker's URI, for the virtual host and the credentials
   */
  ManagementApi(List<String> bases, URI broker) {
    this.bases = List.copyOf(bases);
    String path = broker.getRawPath();
    this.vhost =
        path == null || path.length() <= 1
            ? "/"
            : URLDecoder.decode(path.substring(1), StandardCharsets.UTF_8);
    String userInfo = broker.getRawUserInfo();
    String user = "guest";
    String pass = "guest";
    if (userInfo != null) {
      String[] parts = userInfo.split(":", 2);
      user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
      pass = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
    }
    this.auth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
  }

  /** The configured URL, or port 15672 (15671 for amqps) of each node's host. */
  private static List<String> bases(WarrenOptions options) {
    if (options.managementUrl() != null) {
      return List.of(options.managementUrl());
    }
    List<String> bases = new ArrayList<>();
    for (String node : options.rabbitmqUris()) {
      URI uri = URI.create(node);
      boolean tls = "amqps".equals(uri.getScheme());
      String base = (tls ? "https" : "http") + "://" + uri.getHost() + ":" + (tls ? 15671 : 15672);
      if (!bases.contains(base)) {
        bases.add(base);
      }
    }
    return bases;
  }

  /**
   * @return where the API is, for messages: the node asked last
   */
  String base() {
    return bases.get(current);
  }

  /**
   * @return the virtual host's queues with their counts, settings and rates
   * @throws WarrenException when the API cannot be reached or refuses
   */
  List<QueueInfo> queues() {
    List<QueueInfo> out = new ArrayList<>();
    for (JsonNode q : fetch("/api/queues/" + encode(vhost), "cannot list queues")) {
      out.add(queue(q));
    }
    return out;
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** GETs a path from the first node that answers. */
  private JsonNode fetch(String path, String what) {
    int first = current;
    String base = bases.get(first);
    String url = base + path;
    try {
      HttpResponse<byte[]> r = null;
      for (int i = 0; r == null; i++) {
        int n = (first + i) % bases.size();
        base = bases.get(n);
        url = base + path;
        try {
          r =
              http.send(
                  HttpRequest.newBuilder(URI.create(url))
                      .header("Authorization", auth)
                      .timeout(Duration.ofSeconds(10))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
          current = n;
        } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException e) {
          // why: a node that is down; another node of the cluster answers the same
          if (i + 1 >= bases.size()) {
            throw e;
          }
        }
      }
      if (r.statusCode() != 200) {
        throw new WarrenException(
            "RabbitMQ management API at " + base + " answered " + r.statusCode() + " for " + url);
      }
      return JSON.readTree(r.body());
    } catch (java.io.IOException e) {
      throw new WarrenException(
          what
              + ": the RabbitMQ management API at "
              + String.join(", ", bases)
              + " is unreachable (enable the rabbitmq_management plugin or set"
              + " WARREN_RABBITMQ_MANAGEMENT_URL): "
              + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WarrenException("interrupted: " + what, e);
    }
  }

  /**
   * @param q one queue of the API's listing
   * @return it as a {@link QueueInfo}
   */
  static QueueInfo queue(JsonNode q) {
    Map<String, Object> args = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : q.path("arguments").properties()) {
      Object value = argument(e.getValue());
      if (value != null) {
        args.put(e.getKey(), value);
      }
    }
    return new QueueInfo(
        q.path("name").asText(),
        q.path("messages_ready").asLong(q.path("messages").asLong()),
        q.path("messages_unacknowledged").asLong(-1),
        q.path("consumers").asInt(),
        q.path("durable").asBoolean(true),
        args,
        rates(q.path("message_stats")));
  }

  /**
   * why: whole numbers as {@code long}, as Warren declares them ({@code x-max-length}, {@code
   * x-message-ttl}), so an argument read back equals the one declared
   */
  private static Object argument(JsonNode v) {
    if (v.isIntegralNumber()) {
      return v.asLong();
    }
    if (v.isNumber()) {
      return v.asDouble();
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isTextual()) {
      return v.asText();
    }
    return v.isNull() ? null : JSON.convertValue(v, Object.class);
  }

  /**
   * why: a queue that has seen no traffic has no {@code message_stats}, and one that was only
   * published to has no delivery details: the API is answering, so a missing figure is a zero rate.
   * (A broker with {@code rates_mode = none} reads as zero rates too.)
   */
  private static MessageRates rates(JsonNode stats) {
    if (stats.isMissingNode() || stats.isNull()) {
      return new MessageRates(0, 0, 0);
    }
    return new MessageRates(
        rate(stats, "publish_details"),
        rate(stats, "deliver_get_details"),
        rate(stats, "ack_details"));
  }

  private static double rate(JsonNode stats, String field) {
    return stats.path(field).path("rate").asDouble(0);
  }
}

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
 * 15672 (15671 for amqps) of the broker's host, with the broker's credentials either way.
 */
final class ManagementApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final String vhost;
  private final String auth;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  /**
   * @param options the broker's URI and, when set, the management API's URL
   */
  ManagementApi(WarrenOptions options) {
    // why: every node of a cluster serves the same API; the first one named is asked
    URI uri = URI.create(options.rabbitmqUris().get(0));
    String scheme = "amqps".equals(uri.getScheme()) ? "https" : "http";
    int port = "amqps".equals(uri.getScheme()) ? 15671 : 15672;
    this.base =
        options.managementUrl() != null
            ? options.managementUrl()
            : scheme + "://" + uri.getHost() + ":" + port;
    String path = uri.getRawPath();
    this.vhost =
        path == null || path.length() <= 1
            ? "/"
            : URLDecoder.decode(path.substring(1), StandardCharsets.UTF_8);
    String userInfo = uri.getRawUserInfo();
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

  /**
   * @return where the API is, for messages
   */
  String base() {
    return base;
  }

  /**
   * @return the virtual host's queues with their counts, settings and rates
   * @throws WarrenException when the API cannot be reached or refuses
   */
  List<QueueInfo> queues() {
    String url =
        base
            + "/api/queues/"
            + URLEncoder.encode(vhost, StandardCharsets.UTF_8).replace("+", "%20");
    try {
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .header("Authorization", auth)
                  .timeout(Duration.ofSeconds(10))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new WarrenException(
            "RabbitMQ management API at " + base + " answered " + r.statusCode() + " for " + url);
      }
      List<QueueInfo> out = new ArrayList<>();
      for (JsonNode q : JSON.readTree(r.body())) {
        out.add(queue(q));
      }
      return out;
    } catch (java.io.IOException e) {
      throw new WarrenException(
          "cannot list queues: the RabbitMQ management API at "
              + base
              + " is unreachable (enable the rabbitmq_management plugin or set"
              + " WARREN_RABBITMQ_MANAGEMENT_URL): "
              + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WarrenException("interrupted while listing queues", e);
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

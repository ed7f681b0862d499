package dev.warren.rabbitmq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warren.WarrenException;
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
 * RabbitMQ's management HTTP API, for what AMQP cannot tell: the list of queues. Found at {@code
 * WARREN_RABBITMQ_MANAGEMENT_URL}, or port 15672 of the broker's host with the same credentials.
 */
final class ManagementApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final String vhost;
  private final String auth;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  ManagementApi(String amqpUri) {
    URI uri = URI.create(amqpUri);
    String configured = System.getenv("WARREN_RABBITMQ_MANAGEMENT_URL");
    String scheme = "amqps".equals(uri.getScheme()) ? "https" : "http";
    int port = "amqps".equals(uri.getScheme()) ? 15671 : 15672;
    this.base =
        configured != null && !configured.isBlank()
            ? configured.replaceAll("/+$", "")
            : scheme + "://" + uri.getHost() + ":" + port;
    String path = uri.getRawPath();
    String v =
        path == null || path.length() <= 1
            ? "/"
            : URLDecoder.decode(path.substring(1), StandardCharsets.UTF_8);
    this.vhost = v;
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
        Map<String, Object> args = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : q.path("arguments").properties()) {
          args.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class));
        }
        out.add(
            new QueueInfo(
                q.path("name").asText(),
                q.path("messages_ready").asLong(q.path("messages").asLong()),
                q.path("consumers").asInt(),
                q.path("durable").asBoolean(true),
                args));
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
}

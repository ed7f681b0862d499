package dev.warren.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The interactions application end to end over HTTP, the same on each transport: 60 interactions
 * posted in batches of 10, three of them naming a product the catalog lacks; the counters count all
 * 60, the edge writer writes 57 and dead-letters 3; the product is added, the operator replays
 * them, and the totals are exact.
 */
abstract class InteractionsContractTest {
  static final List<String> USERS = List.of("ada", "bob", "cyd", "dee", "eve", "fay");
  static final List<String> KINDS = List.of("viewed", "viewed", "viewed", "carted", "purchased");
  static final List<Integer> NEW_PRODUCT_SEQS = List.of(17, 33, 49);
  static final String NEW_PRODUCT = "p-13";
  static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;
  private final HttpClient http = HttpClient.newHttpClient();

  static List<Interaction> traffic() {
    List<Interaction> out = new ArrayList<>();
    for (int seq = 1; seq <= 60; seq++) {
      // why: uneven on purpose (ada gets two of every seven), so a counter mixed up between users
      // shows in the totals
      String user = USERS.get(seq % 7 % USERS.size());
      String product = NEW_PRODUCT_SEQS.contains(seq) ? NEW_PRODUCT : "p-" + (seq * 5 % 8 + 1);
      out.add(new Interaction(seq, user, product, KINDS.get(seq % KINDS.size())));
    }
    return out;
  }

  @Test
  void interactionsFanOutAndTheDeadLettersAreReplayedWithNothingLostOrCountedTwice()
      throws Exception {
    List<Interaction> traffic = traffic();
    for (int i = 0; i < traffic.size(); i += 10) {
      HttpResponse<String> posted =
          send("POST", "/interactions", JSON.writeValueAsString(traffic.subList(i, i + 10)));
      assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
      assertThat(JSON.readTree(posted.body()).get("ids")).hasSize(10);
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode totals = json(send("GET", "/totals", null));
              assertThat(totals.get("counted").asInt()).isEqualTo(60);
              assertThat(totals.get("edges").asInt()).isEqualTo(57);
              assertThat(json(send("GET", "/dead-letters/interactions.edges", null))).hasSize(3);
            });
    JsonNode deadLetters = json(send("GET", "/dead-letters/interactions.edges", null));
    for (JsonNode d : deadLetters) {
      assertThat(d.get("errorType").asText()).isEqualTo(UnknownProductException.class.getName());
      assertThat(d.get("errorMessage").asText()).contains("'p-13' is not in the catalog");
    }
    JsonNode health = json(send("GET", "/actuator/health", null));
    assertThat(health.at("/components/warren/status").asText()).isEqualTo("UP");

    assertThat(send("PUT", "/products/" + NEW_PRODUCT, null).statusCode()).isEqualTo(204);
    JsonNode replayed = json(send("POST", "/dead-letters/interactions.edges/replay", null));
    assertThat(replayed.get("replayed").asLong()).isEqualTo(3);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(json(send("GET", "/totals", null)).get("edges").asInt()).isEqualTo(60));
    JsonNode totals = json(send("GET", "/totals", null));
    assertThat(totals.get("weight").asLong())
        .isEqualTo(traffic.stream().mapToLong(Interaction::weight).sum());
    assertThat(totals.get("counted").asInt()).isEqualTo(60);
    assertThat((Object) totals.get("users")).isEqualTo(JSON.valueToTree(expectedCounts(traffic)));
    assertThat(json(send("GET", "/dead-letters/interactions.edges", null))).isEmpty();
  }

  private static Map<String, Map<String, Integer>> expectedCounts(List<Interaction> traffic) {
    Map<String, Map<String, Integer>> counts = new TreeMap<>();
    for (Interaction i : traffic) {
      counts.computeIfAbsent(i.user(), u -> new TreeMap<>()).merge(i.kind(), 1, Integer::sum);
    }
    return counts;
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> send(String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}

package dev.warren.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.Warren;
import dev.warren.WarrenOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's files and {@code GET /console/session}, over plain HTTP. */
class ConsoleRoutesTest {

  @Test
  void servesThePageAndItsFilesWithAPolicyThatAllowsNoInlineScript() throws Exception {
    try (Warren warren =
        Warren.create(WarrenOptions.builder().memoryBroker("console-routes").build())) {
      WarrenServer server = WarrenServer.start(ServerOptions.builder().port(0).build(), warren);
      try {
        Http http = new Http(server.port());
        for (String path : new String[] {"/console", "/console/"}) {
          var page = http.raw("GET", path, null, null);
          assertThat(page.statusCode()).as(path).isEqualTo(200);
          assertThat(page.headers().firstValue("Content-Type").orElseThrow())
              .startsWith("text/html");
          assertThat(page.body())
              .contains("<script type=\"module\" src=\"/console/assets/app.js\">");
          assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
              .contains("script-src 'self'")
              .doesNotContain("unsafe-inline");
        }
        var js = http.raw("GET", "/console/assets/subscriptions.js", null, null);
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type").orElseThrow())
            .startsWith("text/javascript");
        // why: dead letters are peeked on a page view or a click, never on the refresh timer
        assertThat(js.body()).contains("load();").doesNotContain("poll(load");

        for (String bad :
            new String[] {
              "/console/assets/nope.js",
              "/console/assets/..%2Fopenapi.json",
              "/console/assets/.hidden.js"
            }) {
          var r = http.raw("GET", bad, null, null);
          assertThat(r.statusCode()).as(bad).isEqualTo(404);
          assertThat(r.headers().firstValue("Content-Type").orElseThrow())
              .startsWith(WarrenServer.PROBLEM_JSON);
        }

        var session = http.get("/console/session");
        assertThat(session.statusCode()).isEqualTo(200);
        var json = ServerEndpointsTest.json(session);
        assertThat(json.get("keysConfigured").asBoolean()).isFalse();
        assertThat(json.get("admin").asBoolean()).isTrue();
        assertThat(json.get("key").isNull()).isTrue();
      } finally {
        server.stop();
      }
    }
  }

  @Test
  void theSessionTellsTheConsoleWhatTheKeyMayDo(@TempDir Path dir) throws Exception {
    Path keys =
        Files.writeString(
            dir.resolve("keys"), "ops ops-key admin\nviewer viewer-key tasks,subscribe:order.#\n");
    try (Warren warren =
        Warren.create(WarrenOptions.builder().memoryBroker("console-keys").build())) {
      WarrenServer server =
          WarrenServer.start(ServerOptions.builder().port(0).apiKeysFile(keys).build(), warren);
      try {
        Http http = new Http(server.port());
        // the page itself holds no data and is served without a key; the session needs one
        assertThat(http.raw("GET", "/console/", null, null).statusCode()).isEqualTo(200);
        assertThat(http.get("/console/session").statusCode()).isEqualTo(401);
        var viewer =
            ServerEndpointsTest.json(
                http.get("/console/session", "Authorization", "Bearer viewer-key"));
        assertThat(viewer.get("key").asText()).isEqualTo("viewer");
        assertThat(viewer.get("admin").asBoolean()).isFalse();
        assertThat(viewer.get("tasks").asBoolean()).isTrue();
        assertThat(viewer.get("subscribe").asBoolean()).isTrue();
        assertThat(viewer.get("scopes").toString()).isEqualTo("[\"tasks\",\"subscribe:order.#\"]");
        var ops =
            ServerEndpointsTest.json(
                http.get("/console/session", "Authorization", "Bearer ops-key"));
        assertThat(ops.get("admin").asBoolean()).isTrue();
        assertThat(ops.get("keysConfigured").asBoolean()).isTrue();
      } finally {
        server.stop();
      }
    }
  }
}

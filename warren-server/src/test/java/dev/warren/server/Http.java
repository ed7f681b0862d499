package dev.warren.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import dev.warren.codec.JsonDataCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * A small java.net.http client for the tests that checks every answer against the server's own
 * {@code /openapi.json} (Atlassian's swagger-request-validator): a status, header, content type or
 * body the document does not declare fails the test. An unknown path must answer a 404 problem, and
 * a method the document does not list for a known path a 405 problem whose {@code Allow} lists
 * exactly the documented methods.
 */
final class Http {
  /** Validators by document text: servers with and without keys publish different documents. */
  private static final Map<String, OpenApiInteractionValidator> VALIDATORS =
      new ConcurrentHashMap<>();

  /** Answers validated by every client of this JVM, for the reports of the tests. */
  static final AtomicLong VALIDATED = new AtomicLong();

  private final HttpClient client;
  private final String base;
  private volatile OpenApiInteractionValidator validator;
  private volatile JsonNode document;

  Http(int port) {
    this.base = "http://127.0.0.1:" + port;
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** A client of an HTTPS server that trusts what {@code tls} trusts. */
  Http(String base, SSLContext tls) {
    this.base = base;
    this.client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(tls).build();
  }

  /** Sends a request and validates the answer against the document. */
  HttpResponse<String> send(
      String method, String path, String contentType, String body, String... headers) {
    HttpResponse<String> r = raw(method, path, contentType, body, headers);
    validate(method, path, r);
    return r;
  }

  HttpResponse<String> get(String path, String... headers) {
    return send("GET", path, null, null, headers);
  }

  /** Sends a request without validating the answer: for paths the document leaves out. */
  HttpResponse<String> raw(
      String method, String path, String contentType, String body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpRequest request = b.build();
    try {
      try {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (java.io.IOException e) {
        // why: a kept-alive connection the server closed as the client reused it fails before
        // any byte of an answer (the JDK client retries that for GET only); once more on a new
        // connection, as browsers do; a second failure is the server's
        if (!String.valueOf(e.getMessage()).contains("received no bytes")) {
          throw e;
        }
        return client.send(request, HttpResponse.BodyHandlers.ofString());
      }
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    }
  }

  /**
   * Checks one answer against the document.
   *
   * @param method the request's method
   * @param pathAndQuery the request's path, with its query if any
   * @param r the answer; for a stream, only its status and headers are read
   */
  void validate(String method, String pathAndQuery, HttpResponse<?> r) {
    String path = pathAndQuery;
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    String what = method + " " + pathAndQuery + " -> " + r.statusCode();
    String[] segments = path.split("/", -1);
    if (method.equals("POST")
        && segments.length == 3
        && segments[1].equals("events")
        && segments[2].contains(".")) {
      // why: POST /events/{type} is the deprecated alias of POST /publish/{type} for dotted types,
      // left out of the document; it answers as the new path does
      path = "/publish/" + segments[2];
    }
    assertThat(r.statusCode()).as(what + ": never a 5xx but 503").isNotIn(500, 501, 502, 504);
    List<String> documented = documentedMethods(path);
    String contentType = r.headers().firstValue("Content-Type").orElse(null);
    if (documented == null) {
      assertThat(r.statusCode()).as(what + ": an unknown path").isEqualTo(404);
      assertThat(contentType).as(what).startsWith(WarrenServer.PROBLEM_JSON);
      VALIDATED.incrementAndGet();
      return;
    }
    if (!documented.contains(method.toUpperCase(Locale.ROOT))) {
      assertThat(r.statusCode()).as(what + ": a method the document does not list").isEqualTo(405);
      assertThat(contentType).as(what).startsWith(WarrenServer.PROBLEM_JSON);
      String allow = r.headers().firstValue("Allow").orElse("");
      assertThat(new TreeSet<>(Arrays.asList(allow.split(",\\s*"))))
          .as(what + ": Allow")
          .isEqualTo(new TreeSet<>(documented));
      VALIDATED.incrementAndGet();
      return;
    }
    SimpleResponse.Builder b = SimpleResponse.Builder.status(r.statusCode());
    r.headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!name.startsWith(":")) {
                b.withHeader(name, values);
              }
            });
    if (contentType != null) {
      b.withContentType(contentType);
    }
    boolean stream = contentType != null && contentType.startsWith("text/event-stream");
    if (stream) {
      // why: a stream has no end to read; its declared schema is text, which any event line is
      b.withBody(": stream");
    } else if (r.body() instanceof String text && !text.isEmpty()) {
      b.withBody(text);
    }
    ValidationReport report =
        validator().validateResponse(path, Request.Method.valueOf(method.toUpperCase()), b.build());
    List<String> errors = new ArrayList<>();
    for (ValidationReport.Message m : report.getMessages()) {
      if (m.getLevel() == ValidationReport.Level.ERROR) {
        errors.add(m.getKey() + ": " + m.getMessage());
      }
    }
    assertThat(errors)
        .as(what + " is not what /openapi.json declares; body: " + shorten(r.body()))
        .isEmpty();
    VALIDATED.incrementAndGet();
  }

  /**
   * @return the methods the document lists for the path template matching {@code path}, upper case;
   *     {@code null} when no template matches
   */
  List<String> documentedMethods(String path) {
    JsonNode paths = document().get("paths");
    String[] segments = path.substring(1).split("/", -1);
    List<String> literal = null;
    List<String> templated = null;
    for (Map.Entry<String, JsonNode> e : paths.properties()) {
      String[] template = e.getKey().substring(1).split("/", -1);
      if (template.length != segments.length) {
        continue;
      }
      boolean match = true;
      boolean exact = true;
      for (int i = 0; i < template.length && match; i++) {
        boolean param = template[i].startsWith("{");
        match = param ? !segments[i].isEmpty() : template[i].equals(segments[i]);
        exact &= !param;
      }
      if (match) {
        List<String> methods = new ArrayList<>();
        e.getValue().fieldNames().forEachRemaining(m -> methods.add(m.toUpperCase(Locale.ROOT)));
        if (exact) {
          literal = methods;
        } else if (templated == null) {
          templated = methods;
        } else {
          templated.addAll(methods);
        }
      }
    }
    // why: OpenAPI matches a concrete path before a templated one (/events/stream, /events/{id})
    return literal != null ? literal : templated;
  }

  JsonNode document() {
    if (document == null) {
      HttpResponse<String> r = raw("GET", "/openapi.json", null, null);
      assertThat(r.statusCode()).as("GET /openapi.json").isEqualTo(200);
      try {
        document = JsonDataCodec.MAPPER.readTree(r.body());
      } catch (Exception e) {
        throw new AssertionError("/openapi.json is not JSON: " + e, e);
      }
    }
    return document;
  }

  private OpenApiInteractionValidator validator() {
    if (validator == null) {
      String text = document().toString();
      validator =
          VALIDATORS.computeIfAbsent(
              text, t -> OpenApiInteractionValidator.createForInlineApiSpecification(t).build());
    }
    return validator;
  }

  private static String shorten(Object body) {
    String s = String.valueOf(body);
    return s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }

  HttpClient client() {
    return client;
  }

  String base() {
    return base;
  }
}

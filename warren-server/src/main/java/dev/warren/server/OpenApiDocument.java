package dev.warren.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warren.codec.JsonDataCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * {@code /openapi.json}: the document kept beside this class, as it applies to the running server.
 * It is written for a server with API keys; without keys, the bearer scheme, the security
 * requirements and the answers only keys can cause (401, 403, 429) are taken out, so a client
 * generated from it sends no token and expects none of them.
 */
final class OpenApiDocument {
  /** Answers only a server with API keys gives. */
  private static final List<String> KEY_STATUSES = List.of("401", "403", "429");

  private OpenApiDocument() {}

  /**
   * @param withoutKeys whether the server runs without API keys
   * @return the document's JSON bytes
   */
  static byte[] of(boolean withoutKeys) {
    JsonNode doc = read();
    if (withoutKeys) {
      ObjectNode root = (ObjectNode) doc;
      root.remove("security");
      ((ObjectNode) root.path("components")).remove("securitySchemes");
      for (JsonNode path : root.path("paths")) {
        for (JsonNode operation : path) {
          ((ObjectNode) operation).remove("security");
          if (operation.get("responses") instanceof ObjectNode responses) {
            responses.remove(KEY_STATUSES);
          }
        }
      }
    }
    try {
      return JsonDataCodec.MAPPER.writeValueAsBytes(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode read() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the jar");
      }
      return JsonDataCodec.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.warren.server;

import dev.warren.InvalidInputException;
import dev.warren.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The API keys file: one key per line, {@code <name> <key> <scope>[,<scope>...] [rate=<n>/s]},
 * {@code #} comments, the key in clear or as {@code sha256:<hex>}. Only SHA-256 digests are kept in
 * memory and compared in constant time.
 *
 * <p>The optional fourth column limits the key to {@code n} requests a second (a token bucket that
 * holds {@code n} tokens, so a burst of {@code n} is allowed); {@code rate=<n>/m} counts per
 * minute. Requests over the limit are answered 429 with {@code Retry-After}.
 */
final class ApiKeys {
  /** The principal when no keys are configured: the server is on loopback and open. */
  static final ApiKey ANONYMOUS = new ApiKey(null, new byte[0], List.of(Scope.ADMIN), null);

  private final List<ApiKey> keys;

  private ApiKeys(List<ApiKey> keys) {
    this.keys = List.copyOf(keys);
  }

  static ApiKeys none() {
    return new ApiKeys(List.of());
  }

  /**
   * @param file the keys file
   * @return its keys
   * @throws InvalidInputException naming the line that is not valid
   */
  static ApiKeys load(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read WARREN_API_KEYS_FILE " + file + ": " + e, e);
    }
    return parse(lines, file.toString());
  }

  static ApiKeys parse(List<String> lines, String where) {
    List<ApiKey> keys = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String at = where + " line " + (i + 1);
      String[] parts = line.split("\\s+");
      if (parts.length != 3 && parts.length != 4) {
        throw new InvalidInputException(
            at
                + ": expected '<name> <key> <scope>[,<scope>...] [rate=<n>/s]', got "
                + parts.length
                + " fields");
      }
      byte[] digest;
      if (parts[1].startsWith("sha256:")) {
        try {
          digest = HexFormat.of().parseHex(parts[1].substring("sha256:".length()));
        } catch (IllegalArgumentException e) {
          throw new InvalidInputException(at + ": the sha256 key is not hexadecimal", e);
        }
        if (digest.length != 32) {
          throw new InvalidInputException(at + ": a sha256 key has 64 hexadecimal digits");
        }
      } else {
        digest = sha256(parts[1]);
      }
      List<Scope> scopes = new ArrayList<>();
      for (String s : parts[2].split(",")) {
        scopes.add(Scope.parse(s, at));
      }
      TokenBucket rate = parts.length == 4 ? TokenBucket.parse(parts[3], at) : null;
      keys.add(new ApiKey(parts[0], digest, scopes, rate));
    }
    return new ApiKeys(keys);
  }

  boolean isEmpty() {
    return keys.isEmpty();
  }

  int size() {
    return keys.size();
  }

  /**
   * @param authorization the {@code Authorization} header, or {@code null}
   * @return the key it carries, or empty when none matches
   */
  Optional<ApiKey> authenticate(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    byte[] presented = sha256(authorization.substring(7).strip());
    ApiKey found = null;
    // why: compare against every key so the time taken does not tell which prefix matched
    for (ApiKey key : keys) {
      if (MessageDigest.isEqual(presented, key.digest()) && found == null) {
        found = key;
      }
    }
    return Optional.ofNullable(found);
  }

  static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A permission. */
  record Scope(String kind, String pattern) {
    static final Scope ADMIN = new Scope("admin", null);
    private static final Set<String> KINDS = Set.of("publish", "subscribe", "tasks", "admin");

    static Scope parse(String text, String at) {
      int colon = text.indexOf(':');
      String kind = colon < 0 ? text : text.substring(0, colon);
      String pattern = colon < 0 ? null : text.substring(colon + 1);
      if (!KINDS.contains(kind)) {
        throw new InvalidInputException(
            at
                + ": unknown scope '"
                + text
                + "': use publish:<pattern>, subscribe:<pattern>,"
                + " tasks or admin");
      }
      boolean patterned = kind.equals("publish") || kind.equals("subscribe");
      if (patterned != (pattern != null)) {
        throw new InvalidInputException(
            at
                + ": scope '"
                + text
                + "' "
                + (patterned ? "needs a pattern, for example " + kind + ":#" : "takes no pattern"));
      }
      if (patterned) {
        String problem = Topics.patternProblem(pattern);
        if (problem != null) {
          throw new InvalidInputException(at + ": scope '" + text + "': " + problem);
        }
      }
      return new Scope(kind, pattern);
    }
  }

  /**
   * A configured key: its name (for logs and the default source), digest, scopes and request rate
   * limit ({@code null} for none).
   */
  record ApiKey(String name, byte[] digest, List<Scope> scopes, TokenBucket rate) {
    boolean isAdmin() {
      return scopes.stream().anyMatch(s -> s.kind().equals("admin"));
    }

    boolean has(String kind) {
      return isAdmin() || scopes.stream().anyMatch(s -> s.kind().equals(kind));
    }

    /** Whether this key may publish events of the type. Admin may do everything. */
    boolean mayPublish(String type) {
      return isAdmin()
          || scopes.stream()
              .anyMatch(s -> s.kind().equals("publish") && Topics.matches(s.pattern(), type));
    }

    /**
     * Whether this key may subscribe with the pattern: the scope's pattern must cover every type
     * the requested one matches. Checked conservatively: the same pattern, {@code #}, or a
     * requested pattern whose words the scope matches with its wildcards read as plain words.
     */
    boolean maySubscribe(String pattern) {
      if (isAdmin()) {
        return true;
      }
      for (Scope s : scopes) {
        if (!s.kind().equals("subscribe")) {
          continue;
        }
        if (s.pattern().equals("#") || s.pattern().equals(pattern)) {
          return true;
        }
        if (pattern.indexOf('#') < 0 && Topics.matches(s.pattern(), pattern)) {
          // why: '*' in the request matches one word; a scope word '*' or '#' covers it too, and
          // a literal scope word would not match the literal '*', so this stays conservative
          return true;
        }
      }
      return false;
    }

    String nameOr(String fallback) {
      return name == null ? fallback : name;
    }
  }
}

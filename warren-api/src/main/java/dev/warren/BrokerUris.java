package dev.warren;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The RabbitMQ addresses of {@link WarrenOptions}: a comma-separated list of {@code amqp://} or
 * {@code amqps://} URLs and bare {@code host:port}s, made into full URLs, and masked for display.
 *
 * <p>why: one connection factory reaches every node of a cluster, so every address shares the
 * scheme, the credentials and the virtual host; a bare {@code host:port} takes them from the first
 * full URL of the list (guest/guest and the default virtual host when there is none).
 */
final class BrokerUris {
  private BrokerUris() {}

  /**
   * @param text one address or several, separated by commas
   * @return each address as a full URL, in the order given
   * @throws InvalidInputException naming the address (password masked) that is not usable
   */
  static List<String> parse(String text) {
    List<String> entries = new ArrayList<>();
    for (String e : text.split(",", -1)) {
      String entry = e.trim();
      if (entry.isEmpty()) {
        throw new InvalidInputException(
            "RabbitMQ URL list '" + mask(text) + "' has an empty entry");
      }
      entries.add(entry);
    }
    Template template = null;
    for (String entry : entries) {
      if (entry.contains("://")) {
        template = Template.of(entry);
        break;
      }
    }
    if (template == null) {
      template = Template.DEFAULT;
    }
    List<String> uris = new ArrayList<>(entries.size());
    for (String entry : entries) {
      if (entry.contains("://")) {
        Template own = Template.of(entry);
        if (!own.sameAccess(template)) {
          throw new InvalidInputException(
              "RabbitMQ URL '"
                  + mask(entry)
                  + "' differs from '"
                  + mask(template.text)
                  + "' in its scheme, credentials, virtual host or parameters: every address of"
                  + " one cluster is reached the same way");
        }
        uris.add(own.text);
      } else {
        uris.add(template.with(hostPort(entry)));
      }
    }
    return List.copyOf(uris);
  }

  /** A bare {@code host}, {@code host:port} or {@code [ipv6]:port}, checked. */
  private static String hostPort(String entry) {
    URI parsed;
    try {
      parsed = new URI("amqp://" + entry);
    } catch (URISyntaxException e) {
      throw new InvalidInputException(
          "RabbitMQ address '" + mask(entry) + "' is not a URL nor a host:port");
    }
    if (parsed.getHost() == null
        || parsed.getRawUserInfo() != null
        || !parsed.getRawPath().isEmpty()
        || parsed.getRawQuery() != null
        || parsed.getRawFragment() != null) {
      throw new InvalidInputException(
          "RabbitMQ address '" + mask(entry) + "' is not a URL nor a host:port");
    }
    return entry;
  }

  /**
   * @param text a URL, a list of them, or anything a user may have meant as one
   * @return the text with every password replaced by {@code ***}
   */
  static String mask(String text) {
    if (text == null) {
      return null;
    }
    String[] entries = text.split(",", -1);
    for (int i = 0; i < entries.length; i++) {
      entries[i] = maskOne(entries[i]);
    }
    return String.join(",", entries);
  }

  private static String maskOne(String entry) {
    int scheme = entry.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    // why: the last '@' ends the user info even when a password holds an unescaped '@' or '/'
    int at = entry.lastIndexOf('@');
    if (at < start) {
      return entry;
    }
    int colon = entry.indexOf(':', start);
    if (colon < 0 || colon > at) {
      return entry;
    }
    return entry.substring(0, colon + 1) + "***" + entry.substring(at);
  }

  /** What the addresses of one list share: scheme, user info, virtual host and parameters. */
  private record Template(String text, String scheme, String userInfo, String path, String query) {
    static final Template DEFAULT = new Template("amqp://", "amqp", null, "", null);

    static Template of(String url) {
      URI parsed;
      try {
        parsed = new URI(url);
      } catch (URISyntaxException e) {
        throw new InvalidInputException("RabbitMQ URL '" + mask(url) + "' is not a valid URI");
      }
      String scheme = parsed.getScheme();
      if (!"amqp".equals(scheme) && !"amqps".equals(scheme)) {
        throw new InvalidInputException(
            "RabbitMQ URL '" + mask(url) + "' must start with amqp:// or amqps://");
      }
      if (parsed.getHost() == null) {
        throw new InvalidInputException("RabbitMQ URL '" + mask(url) + "' names no host");
      }
      String path = Objects.requireNonNullElse(parsed.getRawPath(), "");
      if ("/".equals(path) && parsed.getRawQuery() == null && parsed.getRawFragment() == null) {
        // why: to amqp-client a lone trailing slash names the empty virtual host, which is never
        // what is meant; without a path it connects to the default one, "/"
        url = url.substring(0, url.length() - 1);
        path = "";
      }
      return new Template(url, scheme, parsed.getRawUserInfo(), path, parsed.getRawQuery());
    }

    boolean sameAccess(Template other) {
      return scheme.equals(other.scheme)
          && Objects.equals(userInfo, other.userInfo)
          && path.equals(other.path)
          && Objects.equals(query, other.query);
    }

    String with(String hostPort) {
      return scheme
          + "://"
          + (userInfo == null ? "" : userInfo + "@")
          + hostPort
          + path
          + (query == null ? "" : "?" + query);
    }
  }
}

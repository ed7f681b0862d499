package dev.warren.server;

import java.util.Locale;

/**
 * Content negotiation by RFC 9110 section 12.5.1: an {@code Accept} header is a list of media
 * ranges ({@code text/event-stream}, {@code text/*}, {@code *}{@code /*}), each with an optional
 * weight {@code q}; a type is acceptable when the most specific range that matches it has a weight
 * above zero. No header accepts everything.
 */
final class Accept {
  private Accept() {}

  /**
   * @param header the request's {@code Accept} header, or {@code null}
   * @param mediaType the type the server would send, lower case, for example {@code
   *     text/event-stream}
   * @return whether the client accepts it
   */
  static boolean allows(String header, String mediaType) {
    if (header == null || header.isBlank()) {
      return true;
    }
    int slash = mediaType.indexOf('/');
    String type = mediaType.substring(0, slash);
    int bestSpecificity = -1;
    double bestWeight = 0;
    for (String part : header.split(",")) {
      String[] params = part.split(";");
      String range = params[0].strip().toLowerCase(Locale.ROOT);
      int specificity;
      if (range.equals(mediaType)) {
        specificity = 2;
      } else if (range.equals(type + "/*")) {
        specificity = 1;
      } else if (range.equals("*/*") || range.equals("*")) {
        specificity = 0;
      } else {
        continue;
      }
      if (specificity > bestSpecificity) {
        bestSpecificity = specificity;
        bestWeight = weight(params);
      }
    }
    return bestSpecificity >= 0 && bestWeight > 0;
  }

  /** The {@code q} parameter, 1 when absent; a weight that is not a number counts as 1. */
  private static double weight(String[] params) {
    for (int i = 1; i < params.length; i++) {
      String p = params[i].strip();
      if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
        try {
          double q = Double.parseDouble(p.substring(2).strip());
          return Double.isNaN(q) ? 1 : q;
        } catch (NumberFormatException e) {
          return 1;
        }
      }
    }
    return 1;
  }
}

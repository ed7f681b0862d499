package dev.warren.server;

import dev.warren.server.ApiKeys.ApiKey;
import dev.warren.server.ApiKeys.Scope;
import dev.warren.server.WarrenServer.Access;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web console at {@code /console}: static files from the jar ({@code
 * dev/warren/server/console/}, plain JavaScript modules, no build step) and {@code GET
 * /console/session}, which tells the page what the caller's key may do. Everything else the console
 * shows comes from the server's documented HTTP API, with the caller's key, so the console can do
 * nothing the API would not let that key do.
 */
final class ConsoleRoutes {
  /** The folder of the console's files on the class path. */
  static final String ASSETS = "dev/warren/server/console/";

  /** File names the console serves: one folder, no dot-files, known kinds only. */
  private static final Pattern ASSET = Pattern.compile("[a-z][a-z0-9-]*\\.(js|css|svg|html)");

  private static final Map<String, String> TYPES =
      Map.of(
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "html", "text/html; charset=utf-8");

  /**
   * why: no inline script or style and no other origin, so an event's data shown on a page (which
   * any publisher controls) cannot run as code even if it escaped the text nodes it is put in
   */
  private static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  private final WarrenServer server;
  private final boolean keysConfigured;
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  ConsoleRoutes(WarrenServer server, boolean keysConfigured) {
    this.server = server;
    this.keysConfigured = keysConfigured;
  }

  void register(JavalinDefaultRoutingApi router) {
    // why: the files are public (they hold no data); every request for data carries the key.
    // Registered with Javalin only, so they are neither documented API routes nor in Allow.
    // Javalin matches /console and /console/ alike, and the page links its files by absolute path.
    router.addHttpHandler(HandlerType.GET, "/console", ctx -> asset(ctx, "index.html"));
    router.addHttpHandler(
        HandlerType.GET, "/console/assets/{file}", ctx -> asset(ctx, ctx.pathParam("file")));
    server.add(router, HandlerType.GET, "/console/session", Access.AUTHENTICATED, this::session);
  }

  private void session(Context ctx) {
    ApiKey key = WarrenServer.key(ctx);
    List<String> scopes = new ArrayList<>();
    for (Scope s : key.scopes()) {
      scopes.add(s.pattern() == null ? s.kind() : s.kind() + ":" + s.pattern());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", key.name());
    m.put("keysConfigured", keysConfigured);
    m.put("scopes", scopes);
    m.put("admin", key.isAdmin());
    m.put("tasks", key.has("tasks"));
    m.put("subscribe", key.isAdmin() || key.has("subscribe"));
    ctx.json(m);
  }

  private void asset(Context ctx, String file) {
    if (!ASSET.matcher(file).matches()) {
      throw Problem.notFound("no console file '" + CloudEventsHttp.shorten(file) + "'");
    }
    byte[] body = cache.computeIfAbsent(file, ConsoleRoutes::read);
    if (body.length == 0) {
      cache.remove(file);
      throw Problem.notFound("no console file '" + file + "'");
    }
    String ext = file.substring(file.lastIndexOf('.') + 1);
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    // why: the files change with the server version; revalidating is cheap and never stale
    ctx.header("Cache-Control", "no-cache");
    ctx.contentType(TYPES.get(ext)).result(body);
  }

  private static byte[] read(String file) {
    try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(ASSETS + file)) {
      return in == null ? new byte[0] : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

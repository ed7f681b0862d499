package dev.warren.server;

import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /health/live} and {@code /health/ready}: a status and its checks. Ready answers 503 when
 * the broker is unreachable, blocks the connection (a resource alarm, with the broker's reason) or
 * a subscription's consumer is not registered.
 */
final class Health {
  private static final double MEMORY_DEGRADED = 0.9;

  private Health() {}

  static Handler live(Warren warren) {
    return ctx -> {
      Map<String, Object> memory = memory();
      ctx.json(body(List.of(memory)));
    };
  }

  static Handler ready(Warren warren) {
    return ctx -> {
      List<Map<String, Object>> checks = new ArrayList<>();
      boolean connected = warren.isConnected();
      Optional<String> blocked = connected ? warren.blocked() : Optional.empty();
      checks.add(
          check(
              warren.options().effectiveTransport().name().toLowerCase(Locale.ROOT),
              connected && blocked.isEmpty() ? "Healthy" : "Unhealthy",
              !connected
                  ? "broker unreachable: " + warren.describe()
                  : blocked.isPresent()
                      ? "the broker blocks publishing (resource alarm: "
                          + blocked.get()
                          + "): "
                          + warren.describe()
                      : warren.describe()));
      List<String> inactive = new ArrayList<>();
      List<SubscriptionHandle> subscriptions = warren.subscriptions();
      int counted = 0;
      for (SubscriptionHandle s : subscriptions) {
        // why: a stream's subscription serves one HTTP client, which sees its own stream end;
        // one that is closing must not take the whole server out of its load balancer
        if (s.subscription().name().startsWith(EventRoutes.STREAM_PREFIX)) {
          continue;
        }
        counted++;
        if (!s.isActive()) {
          inactive.add(s.subscription().name());
        }
      }
      checks.add(
          check(
              "subscriptions",
              inactive.isEmpty() ? "Healthy" : "Unhealthy",
              inactive.isEmpty()
                  ? counted + " active"
                  : "consumers not active: " + String.join(", ", inactive)));
      checks.add(memory());
      Map<String, Object> body = body(checks);
      ctx.status("Unhealthy".equals(body.get("status")) ? 503 : 200).json(body);
    };
  }

  private static Map<String, Object> memory() {
    Runtime rt = Runtime.getRuntime();
    long used = rt.totalMemory() - rt.freeMemory();
    double share = (double) used / rt.maxMemory();
    return check(
        "memory",
        share < MEMORY_DEGRADED ? "Healthy" : "Degraded",
        String.format("heap %d MiB of %d MiB", used >> 20, rt.maxMemory() >> 20));
  }

  private static Map<String, Object> check(String name, String status, String description) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("status", status);
    m.put("description", description);
    return m;
  }

  private static Map<String, Object> body(List<Map<String, Object>> checks) {
    String status = "Healthy";
    for (Map<String, Object> c : checks) {
      if ("Unhealthy".equals(c.get("status"))) {
        status = "Unhealthy";
      } else if ("Degraded".equals(c.get("status")) && status.equals("Healthy")) {
        status = "Degraded";
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", status);
    m.put("checks", checks);
    return m;
  }
}

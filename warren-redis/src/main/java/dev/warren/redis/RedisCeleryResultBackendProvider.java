package dev.warren.redis;

import dev.warren.tasks.spi.CeleryResultBackend;
import dev.warren.tasks.spi.CeleryResultBackendProvider;
import java.util.Locale;

/** Opens Celery's Redis result backend for {@code redis://} and {@code rediss://} URLs. */
public final class RedisCeleryResultBackendProvider implements CeleryResultBackendProvider {
  @Override
  public boolean supports(String url) {
    String u = url.toLowerCase(Locale.ROOT);
    return u.startsWith("redis://") || u.startsWith("rediss://");
  }

  @Override
  public CeleryResultBackend open(String url) {
    return RedisCeleryResultBackend.connect(url);
  }
}

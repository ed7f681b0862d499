package dev.warren.examples.celery;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.CeleryOptions;
import dev.warren.Warren;
import dev.warren.testkit.TestBroker;
import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.JedisPooled;

/**
 * The FastAPI example end to end: {@code fastapi-celery/app.py --self-check} posts renders through
 * its API, which sends Celery tasks that {@link ImageRenderWorker} runs, and reads the results with
 * Celery's {@code AsyncResult} from Redis database 13. Needs Debian's python3-celery,
 * python3-fastapi and python3-httpx (.ci/services installs them); skipped without, failed with
 * {@code CI=true}.
 */
@Timeout(value = 120, unit = SECONDS)
class ImageRenderWorkerTest {
  private static final String PYTHON = "/usr/bin/python3";
  private static final String REDIS = "redis://127.0.0.1:6379/13";

  @RegisterExtension final TestBroker broker = TestBroker.perTest();

  @Test
  void fastApiServiceGetsRendersFromTheJavaWorker() throws Exception {
    boolean present = false;
    if (new File(PYTHON).canExecute()) {
      Process p =
          new ProcessBuilder(PYTHON, "-c", "import celery, redis, fastapi, httpx")
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      present = p.waitFor(60, SECONDS) && p.exitValue() == 0;
    }
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(
          "no Celery/FastAPI (apt-get install python3-celery python3-fastapi); CI=true");
    }
    Assumptions.assumeTrue(
        present, "no Celery/FastAPI: apt-get install python3-celery python3-fastapi");
    Path app = Path.of("fastapi-celery", "app.py").toAbsolutePath();
    assertThat(Files.exists(app)).as(app.toString()).isTrue();
    try (Warren worker =
        ImageRenderWorker.start(
            broker
                .options()
                .shutdownTimeout(Duration.ofSeconds(5))
                .celery(CeleryOptions.builder().resultBackend(REDIS).build())
                .build())) {
      ProcessBuilder pb =
          new ProcessBuilder(PYTHON, app.toString(), "--self-check").redirectErrorStream(true);
      pb.environment().put("BROKER", broker.uri());
      pb.environment().put("BACKEND", REDIS);
      Process p = pb.start();
      assertThat(worker.tasks()).isNotNull();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(90, SECONDS)).as(out).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out)
          .contains("-> 200 {'id':")
          .contains("'state': 'SUCCESS', 'result': {")
          .contains("'path': 'cat-512.png'")
          .contains("'height': 384")
          .contains("-> 422 {'detail': 'image.render needs kwargs path and a positive width");
    } finally {
      try (JedisPooled redis = new JedisPooled(URI.create(REDIS))) {
        for (String key : redis.keys("celery-task-meta-*")) {
          redis.del(key);
        }
      }
    }
  }
}

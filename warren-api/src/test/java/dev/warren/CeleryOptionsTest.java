package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CeleryOptionsTest {
  @Test
  void defaultsReadCelerysQueueAndReplyOverRpc() {
    CeleryOptions d = WarrenOptions.builder().build().celery();
    assertThat(d.queues()).containsExactly("celery");
    assertThat(d.resultBackend()).isEqualTo("rpc://");
    assertThat(d.routes()).isEmpty();
    assertThat(d.resultExpires()).isEqualTo(Duration.ofDays(1));
    assertThat(d.revokes()).isTrue();
  }

  @Test
  void readsTheEnvironment() {
    Map<String, String> env =
        Map.of(
            "WARREN_CELERY_QUEUES", "images, celery",
            "WARREN_CELERY_RESULT_BACKEND", "redis://:secret@redis:6379/2",
            "WARREN_CELERY_ROUTES", "reports.pdf=celery,mail.send=mail",
            "WARREN_CELERY_RESULT_EXPIRES", "3600");
    CeleryOptions o = WarrenOptions.fromEnvironment(env).celery();
    assertThat(o.queues()).containsExactlyInAnyOrder("images", "celery");
    assertThat(o.isCeleryQueue("images")).isTrue();
    assertThat(o.routeOf("mail.send")).isEqualTo("mail");
    assertThat(o.routeOf("thumbnail")).isNull();
    assertThat(o.resultExpires()).isEqualTo(Duration.ofHours(1));
    assertThat(o.toString()).doesNotContain("secret");
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> CeleryOptions.builder().resultBackend("mongodb://db/celery"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'mongodb://db/celery'");
    assertThatThrownBy(() -> CeleryOptions.builder().queues(Set.of("bad queue")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'bad queue'");
    assertThatThrownBy(
            () -> WarrenOptions.fromEnvironment(Map.of("WARREN_CELERY_ROUTES", "reports.pdf")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("WARREN_CELERY_ROUTES='reports.pdf'");
    assertThatThrownBy(
            () -> WarrenOptions.fromEnvironment(Map.of("WARREN_CELERY_RESULT_EXPIRES", "1d")))
        .hasMessageContaining("WARREN_CELERY_RESULT_EXPIRES='1d'");
  }
}

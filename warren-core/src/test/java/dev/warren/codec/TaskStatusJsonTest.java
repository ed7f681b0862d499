package dev.warren.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.tasks.TaskError;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.TaskStoreException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written status codec against the object mapper it replaced. */
class TaskStatusJsonTest {
  private static final Instant T = Instant.parse("2026-12-03T10:15:30.123456Z");

  private static TaskStatus pending() {
    return new TaskStatus(
            "t-1",
            "report.build",
            "warren.tasks.default",
            TaskState.PENDING,
            0,
            null,
            null,
            null,
            null,
            T,
            T,
            T,
            null,
            "w1",
            List.of())
        .to(TaskState.PENDING, T, "w1", null);
  }

  private static List<TaskStatus> samples() {
    TaskStatus started =
        pending().withAttempt(1).to(TaskState.STARTED, T.plusMillis(5), "w2", null);
    TaskStatus progress =
        started
            .withProgress(0.5, "{\"step\":\"half \\\"quoted\\\" é\"}")
            .to(TaskState.PROGRESS, T.plusMillis(7), "w2", null);
    TaskStatus failed =
        progress
            .withOutcome(
                null, new TaskError("java.lang.IllegalStateException", "no\nway", "at x\n\tat y"))
            .to(TaskState.FAILURE, T.plusSeconds(1), "w2", "failed after 3 retries")
            .withExpiresAt(T.plusSeconds(86_400));
    TaskStatus succeeded =
        progress
            .withOutcome("[1,{\"a\":null}]", null)
            .to(TaskState.SUCCESS, Instant.parse("2026-12-03T10:15:31Z"), "w2", null)
            .withExpiresAt(T.plusSeconds(60));
    return List.of(pending(), started, progress, failed, succeeded);
  }

  @Test
  void writesWhatTheObjectMapperWroteAndReadsBothBack() throws Exception {
    for (TaskStatus s : samples()) {
      String json = TaskStatusJson.write(s);
      assertThat(json).isEqualTo(JsonDataCodec.MAPPER.writeValueAsString(s));
      assertThat(TaskStatusJson.read(json)).isEqualTo(s);
      assertThat(JsonDataCodec.MAPPER.readValue(json, TaskStatus.class)).isEqualTo(s);
    }
  }

  @Test
  void readsUnknownFieldsAndRefusesWhatIsNoStatus() {
    String json = TaskStatusJson.write(pending());
    String extra = "{\"future\":{\"x\":[1,{}]}," + json.substring(1);
    assertThat(TaskStatusJson.read(extra)).isEqualTo(pending());

    assertThatThrownBy(() -> TaskStatusJson.read("[1]"))
        .isInstanceOf(TaskStoreException.class)
        .hasMessageContaining("cannot decode a stored task status");
    assertThatThrownBy(() -> TaskStatusJson.read(json.replace("PENDING", "SLEEPING")))
        .isInstanceOf(TaskStoreException.class)
        .hasMessageContaining("SLEEPING");
    assertThatThrownBy(() -> TaskStatusJson.read(json.replace("2026-12-03", "2026-13-03")))
        .isInstanceOf(TaskStoreException.class)
        .hasMessageContaining("2026-13-03");
    assertThatThrownBy(() -> TaskStatusJson.read(json.substring(0, json.length() - 3)))
        .isInstanceOf(TaskStoreException.class);
    assertThatThrownBy(() -> TaskStatusJson.read("null"))
        .isInstanceOf(TaskStoreException.class)
        .hasMessageContaining("null");
  }
}

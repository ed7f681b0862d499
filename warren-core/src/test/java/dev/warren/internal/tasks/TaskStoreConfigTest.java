package dev.warren.internal.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.tasks.TaskStoreException;
import org.junit.jupiter.api.Test;

class TaskStoreConfigTest {
  @Test
  void theStoreComesFromTheUrlAndDefaultsToMemory() {
    assertThat(new TaskStoreConfig(null).url()).isEqualTo("memory:");
    assertThat(new TaskStoreConfig(" ").url()).isEqualTo("memory:");
    assertThat(new TaskStoreConfig("redis://u:secret@h:6379/0").urlForDisplay())
        .isEqualTo("redis://u:***@h:6379/0");
    assertThat(TaskStores.open(new TaskStoreConfig("memory:")).describe()).isEqualTo("memory");
    assertThatThrownBy(() -> TaskStores.open(new TaskStoreConfig("mongodb://x")))
        .isInstanceOf(TaskStoreException.class)
        .hasMessageContaining("mongodb://x");
  }
}

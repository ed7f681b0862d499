package dev.warren.examples.gateway;

import dev.warren.Event;
import dev.warren.NonRetryableException;
import dev.warren.Warren;
import dev.warren.examples.gateway.GatewayEvents.ImageCompleted;
import dev.warren.examples.gateway.GatewayEvents.ImageFailed;
import dev.warren.tasks.TaskContext;
import dev.warren.tasks.TaskHandle;
import dev.warren.tasks.TaskOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Image generation as a Warren task, where the seed had an orchestrator consuming {@code
 * image.requested}: a core instance submits {@value #TASK}, whichever core instance has a free
 * worker runs it, reports progress (each report is also published as {@code
 * task.image.generate.progress}), and ends by publishing {@code image.completed} or {@code
 * image.failed}. A provider timeout is retried after a delay the broker holds; a refused prompt is
 * not.
 */
final class ImageTasks {
  static final String TASK = "image.generate";
  static final String QUEUE = "examples.gateway.images";

  /** Short delays for a demo; a real gateway would wait seconds between retries. */
  static final TaskOptions OPTIONS =
      TaskOptions.builder()
          .queue(QUEUE)
          .maxRetries(2)
          .retryDelay(Duration.ofMillis(100))
          .timeLimit(Duration.ofSeconds(30))
          .build();

  /** The task's arguments. */
  record ImageRequest(String prompt, String size) {}

  /** The task's result. */
  record GeneratedImage(String url) {}

  /** Data of the {@code task.image.generate.*} events Warren publishes for each state change. */
  record TaskEvent(
      String id, int attempt, Double progress, Map<String, String> meta, String errorMessage) {}

  /** One image event as a core instance received it. */
  record Update(
      String instance, String type, String taskId, int attempt, Double progress, String detail) {}

  /** A prompt the provider refuses: retrying would not help. */
  static final class PromptRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    PromptRefusedException(String message) {
      super(message);
    }
  }

  /** The provider did not answer in time: worth another attempt. */
  static final class ProviderTimeoutException extends Exception {
    private static final long serialVersionUID = 1L;

    ProviderTimeoutException(String message) {
      super(message);
    }
  }

  private final Set<String> timeOutOnce = ConcurrentHashMap.newKeySet();
  private final List<Update> updates = new ArrayList<>();

  /**
   * Scripts the simulated provider: the first call for this prompt times out.
   *
   * @param prompt the prompt
   */
  void timeOutOnce(String prompt) {
    timeOutOnce.add(prompt);
  }

  /**
   * Makes a core instance a worker for {@value #TASK}: it takes one task at a time from {@value
   * #QUEUE}.
   */
  void registerWorker(String instance, Warren warren) {
    warren.tasks().register(TASK, QUEUE, ctx -> generate(instance, warren, ctx));
  }

  /**
   * Submits a generation and returns once the broker holds it.
   *
   * @param from the instance that took the client's request
   */
  TaskHandle<?> submit(Warren from, ImageRequest request) {
    return from.tasks().submit(TASK, request, OPTIONS);
  }

  private GeneratedImage generate(String instance, Warren warren, TaskContext ctx)
      throws Exception {
    ImageRequest request = ctx.args(ImageRequest.class);
    ctx.progress(0.25, Map.of("step", "sent to the provider", "worker", instance));
    try {
      callProvider(request);
    } catch (PromptRefusedException e) {
      warren.publish(new ImageFailed(ctx.id(), request.prompt(), e.getMessage())).join();
      // why: the task fails at once; retrying a refused prompt gives the same answer
      throw new NonRetryableException(e.getMessage(), e);
    }
    ctx.progress(0.5, Map.of("step", "generated", "worker", instance));
    ctx.progress(0.75, Map.of("step", "upscaled to " + request.size(), "worker", instance));
    String url = "https://cdn.example/images/" + ctx.id() + ".png";
    ctx.progress(1.0, Map.of("step", "stored", "worker", instance));
    warren.publish(new ImageCompleted(ctx.id(), request.prompt(), url)).join();
    return new GeneratedImage(url);
  }

  /** The simulated provider: refuses prompts about passports, times out when scripted to. */
  private void callProvider(ImageRequest request)
      throws PromptRefusedException, ProviderTimeoutException, InterruptedException {
    Thread.sleep(10);
    if (request.prompt().contains("passport")) {
      throw new PromptRefusedException("content policy: identity documents are not generated");
    }
    if (timeOutOnce.remove(request.prompt())) {
      throw new ProviderTimeoutException("provider did not answer within 30 s");
    }
  }

  /** Records an image event a core instance received, to narrate and check afterwards. */
  void received(String instance, Event event) {
    String type = event.type();
    Update update;
    if (type.equals("image.completed")) {
      ImageCompleted done = event.data(ImageCompleted.class);
      update = new Update(instance, type, done.taskId(), 0, null, done.url());
    } else if (type.equals("image.failed")) {
      ImageFailed failed = event.data(ImageFailed.class);
      update = new Update(instance, type, failed.taskId(), 0, null, failed.reason());
    } else {
      TaskEvent t = event.data(TaskEvent.class);
      boolean progress = type.endsWith(".progress");
      update =
          new Update(
              instance,
              type,
              t.id(),
              t.attempt(),
              progress ? t.progress() : null,
              progress ? t.meta().get("step") : t.errorMessage());
    }
    synchronized (updates) {
      updates.add(update);
    }
  }

  /** The image events the core instances received so far. */
  List<Update> updates() {
    synchronized (updates) {
      return List.copyOf(updates);
    }
  }

  /** The received updates of one task of one type. */
  List<Update> updates(String taskId, String type) {
    return updates().stream()
        .filter(u -> u.taskId().equals(taskId) && u.type().equals(type))
        .toList();
  }
}

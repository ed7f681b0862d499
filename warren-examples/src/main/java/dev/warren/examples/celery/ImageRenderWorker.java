package dev.warren.examples.celery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warren.CeleryOptions;
import dev.warren.InvalidInputException;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.tasks.TaskContext;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The Java side of the FastAPI example: a Warren worker for the Celery task {@code image.render},
 * which the Python service ({@code warren-examples/fastapi-celery/app.py}) sends with {@code
 * send_task('image.render', kwargs={...}, queue='images')}. Results go to Celery's result backend,
 * the Redis database the service reads ({@code WARREN_CELERY_RESULT_BACKEND}).
 *
 * <pre>{@code
 * WARREN_RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672 \
 *   WARREN_CELERY_RESULT_BACKEND=redis://127.0.0.1:6379/0 \
 *   java -cp … dev.warren.examples.celery.ImageRenderWorker
 * }</pre>
 */
public final class ImageRenderWorker {
  /** The Celery task name. */
  public static final String TASK = "image.render";

  /** The Celery queue the Python service sends it to. */
  public static final String QUEUE = "images";

  private ImageRenderWorker() {}

  /**
   * Starts a Warren instance that runs {@value #TASK} from queue {@value #QUEUE}.
   *
   * @param options where the broker is; their Celery options are kept, with {@value #QUEUE} added
   *     to the Celery queues
   * @return the running instance; close it to stop
   */
  public static Warren start(WarrenOptions options) {
    CeleryOptions celery = options.celery();
    CeleryOptions.Builder b =
        CeleryOptions.builder()
            .queues(Set.of(QUEUE))
            .resultBackend(celery.resultBackend())
            .resultExpires(celery.resultExpires());
    celery.routes().forEach(b::route);
    Warren warren = Warren.create(options.toBuilder().celery(b.build()).build());
    warren.tasks().register(TASK, QUEUE, ImageRenderWorker::render);
    return warren;
  }

  /**
   * Renders an image, in this example by working out the output's name and size.
   *
   * @param ctx {@code {"args":[], "kwargs":{"path":"cat.jpg","width":512}}}
   * @return {@code {"path":"cat-512.png","width":512,"height":384}}
   */
  static Map<String, Object> render(TaskContext ctx) {
    JsonNode kwargs = ctx.args(JsonNode.class).path("kwargs");
    String path = kwargs.path("path").asText("");
    int width = kwargs.path("width").asInt(0);
    if (path.isBlank() || width <= 0) {
      // why: bad input is not retried; Python sees it as a failed AsyncResult
      throw new InvalidInputException(
          "image.render needs kwargs path and a positive width, not " + kwargs);
    }
    String base = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : path;
    return Map.of("path", base + "-" + width + ".png", "width", width, "height", width * 3 / 4);
  }

  /**
   * Runs the worker until the process is stopped.
   *
   * @param args none
   * @throws InterruptedException when interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    Warren warren = start(WarrenOptions.fromEnvironment(System.getenv()));
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  warren.close();
                  stop.countDown();
                }));
    System.out.println("running " + TASK + " from Celery queue " + QUEUE + "; Ctrl-C stops");
    stop.await();
  }
}

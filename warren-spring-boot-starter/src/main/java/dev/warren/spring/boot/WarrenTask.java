package dev.warren.spring.boot;

import dev.warren.tasks.TaskOptions;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a bean method the handler of a task ({@link dev.warren.tasks.Tasks}): this application
 * becomes a worker for it once the context is ready.
 *
 * <pre>{@code
 * @WarrenTask("image.render")
 * Rendered render(Render args, TaskContext task) {
 *   task.progress(0.5, Map.of("stage", "resize"));
 *   return new Rendered(renderer.render(args));
 * }
 * }</pre>
 *
 * <p>Parameters are resolved by type: {@link dev.warren.tasks.TaskContext} is the running task; one
 * parameter of any other type receives the task's arguments decoded with the application's mapper.
 * What the method returns is the task's result; what it throws fails the attempt, retried as the
 * task was submitted. {@code ${…}} placeholders are resolved in the attributes.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface WarrenTask {
  /**
   * @return the task name, for example {@code image.render}
   */
  String value();

  /**
   * @return the task queue to consume
   */
  String queue() default TaskOptions.DEFAULT_QUEUE;
}

package dev.warren.spring.boot;

import dev.warren.InvalidInputException;
import dev.warren.tasks.TaskContext;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.Tasks;
import java.lang.reflect.Method;
import java.util.function.UnaryOperator;

/** One {@link WarrenTask} method of one bean, checked when the bean is created. */
final class TaskMethod {
  private final Invoker invoker;
  private final String name;
  private final String queue;
  private final boolean[] isContext;
  private final Class<?> argsType;

  private TaskMethod(
      Invoker invoker, String name, String queue, boolean[] isContext, Class<?> argsType) {
    this.invoker = invoker;
    this.name = name;
    this.queue = queue;
    this.isContext = isContext;
    this.argsType = argsType;
  }

  /**
   * @return the task method
   * @throws InvalidInputException naming the method and what is wrong with it
   */
  static TaskMethod of(
      Object bean, Method method, WarrenTask annotation, UnaryOperator<String> resolve) {
    String where = Invoker.describe(method);
    String name = resolve.apply(annotation.value()).trim();
    String queue = resolve.apply(annotation.queue()).trim();
    if (name.isEmpty()) {
      throw new InvalidInputException("@WarrenTask " + where + ": the task name is empty");
    }
    Class<?>[] types = method.getParameterTypes();
    boolean[] isContext = new boolean[types.length];
    Class<?> argsType = null;
    for (int i = 0; i < types.length; i++) {
      if (types[i] == TaskContext.class) {
        isContext[i] = true;
      } else if (argsType == null) {
        argsType = types[i];
      } else {
        throw new InvalidInputException(
            "@WarrenTask "
                + where
                + ": parameter "
                + (i + 1)
                + " ("
                + types[i].getSimpleName()
                + ") is a second arguments parameter after "
                + argsType.getSimpleName()
                + ": a task method takes one arguments parameter and the TaskContext");
      }
    }
    return new TaskMethod(
        new Invoker(bean, method),
        name,
        queue.isEmpty() ? TaskOptions.DEFAULT_QUEUE : queue,
        isContext,
        argsType);
  }

  /**
   * @return the task name
   */
  String name() {
    return name;
  }

  /**
   * Registers the method as the task's handler: this process becomes a worker for it.
   *
   * @param tasks the task queue
   */
  void register(Tasks tasks) {
    tasks.register(
        name,
        queue,
        context -> {
          Object args = argsType == null ? null : context.args(argsType);
          Object[] values = new Object[isContext.length];
          for (int i = 0; i < values.length; i++) {
            values[i] = isContext[i] ? context : args;
          }
          return invoker.invoke(values);
        });
  }
}

package dev.warren.spring.boot;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.springframework.util.ReflectionUtils;

/** Calls an annotated bean method, giving Warren the exception the method threw itself. */
record Invoker(Object bean, Method method) {
  Invoker {
    ReflectionUtils.makeAccessible(method);
  }

  /**
   * @return {@code Type.method(Param, Param)}, to name a method in a message
   */
  static String describe(Method method) {
    return method.getDeclaringClass().getName()
        + "."
        + method.getName()
        + Arrays.stream(method.getParameterTypes())
            .map(Class::getSimpleName)
            .collect(Collectors.joining(", ", "(", ")"));
  }

  /**
   * @param args the arguments
   * @return what the method returned
   * @throws Exception what the method threw, unwrapped, so retry policies see its real type
   */
  Object invoke(Object... args) throws Exception {
    try {
      return method.invoke(bean, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception exception) {
        throw exception;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /**
   * Waits for a publish (bounded by the publish timeout, after which Warren fails the future).
   *
   * @throws Exception why the publish failed, unwrapped
   */
  static <T> T await(CompletableFuture<T> future) throws Exception {
    try {
      return future.get();
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception exception) {
        throw exception;
      }
      throw e;
    }
  }
}

package dev.warren.spring.boot;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.EmbeddedValueResolverAware;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.StringValueResolver;

/**
 * Finds the {@link WarrenListener} and {@link WarrenTask} methods of every bean as it is created,
 * and checks them then; {@link WarrenLifecycle} starts them once the context is ready.
 */
final class WarrenMethods implements BeanPostProcessor, EmbeddedValueResolverAware {
  private final List<ListenerMethod> listeners = new CopyOnWriteArrayList<>();
  private final List<TaskMethod> tasks = new CopyOnWriteArrayList<>();
  private StringValueResolver resolver;

  @Override
  public void setEmbeddedValueResolver(StringValueResolver resolver) {
    this.resolver = resolver;
  }

  private String resolve(String value) {
    String resolved = resolver == null ? value : resolver.resolveStringValue(value);
    return resolved == null ? "" : resolved;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    Class<?> type = AopUtils.getTargetClass(bean);
    Map<Method, WarrenListener> listening =
        MethodIntrospector.selectMethods(
            type,
            (MethodIntrospector.MetadataLookup<WarrenListener>)
                m -> AnnotatedElementUtils.findMergedAnnotation(m, WarrenListener.class));
    listening.forEach(
        (method, annotation) ->
            listeners.add(
                ListenerMethod.of(
                    bean,
                    AopUtils.selectInvocableMethod(method, bean.getClass()),
                    annotation,
                    this::resolve)));
    Map<Method, WarrenTask> working =
        MethodIntrospector.selectMethods(
            type,
            (MethodIntrospector.MetadataLookup<WarrenTask>)
                m -> AnnotatedElementUtils.findMergedAnnotation(m, WarrenTask.class));
    working.forEach(
        (method, annotation) ->
            tasks.add(
                TaskMethod.of(
                    bean,
                    AopUtils.selectInvocableMethod(method, bean.getClass()),
                    annotation,
                    this::resolve)));
    return bean;
  }

  /**
   * @return the listener methods found so far
   */
  List<ListenerMethod> listeners() {
    return List.copyOf(listeners);
  }

  /**
   * @return the task methods found so far
   */
  List<TaskMethod> tasks() {
    return List.copyOf(tasks);
  }
}

package dev.warren.spring.boot.test;

import dev.warren.spring.boot.WarrenListener;
import dev.warren.spring.boot.WarrenTask;
import java.io.IOException;
import java.util.Set;
import org.springframework.boot.test.context.filter.annotation.StandardAnnotationCustomizableTypeExcludeFilter;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;

/** Keeps, for {@link WarrenTest}, the components that have Warren listener or task methods. */
final class WarrenTypeExcludeFilter
    extends StandardAnnotationCustomizableTypeExcludeFilter<WarrenTest> {
  WarrenTypeExcludeFilter(Class<?> testClass) {
    super(testClass);
  }

  @Override
  protected Set<Class<?>> getKnownIncludes() {
    return Set.of();
  }

  @Override
  protected boolean defaultInclude(MetadataReader reader, MetadataReaderFactory factory)
      throws IOException {
    AnnotationMetadata type = reader.getAnnotationMetadata();
    return type.hasAnnotatedMethods(WarrenListener.class.getName())
        || type.hasAnnotatedMethods(WarrenTask.class.getName())
        || super.defaultInclude(reader, factory);
  }
}

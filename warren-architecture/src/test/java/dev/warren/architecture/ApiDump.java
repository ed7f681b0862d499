package dev.warren.architecture;

import static java.util.stream.Collectors.joining;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.annotation.Documented;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Renders the public API of compiled classes as text that reads like Java and diffs well.
 *
 * <p>One block per public (or protected nested) type, sorted by package and name: a line with its
 * documented annotations, modifiers, kind, type parameters, supertypes and, when sealed, the
 * permitted API subtypes; then one line per public or protected field, constructor and method it
 * declares, with generic signatures, throws clauses and annotation defaults. Implied modifiers are
 * left out, and so are parameter names: renaming a parameter does not change the API.
 */
final class ApiDump {
  private static final String INDENT = "  ";

  private ApiDump() {}

  /**
   * The API of the types compiled into {@code classes} whose package {@code packages} accepts.
   *
   * @param classpath the directories the classes are loaded from, ahead of the test's own class
   *     path, so the text is what this build compiled even when Maven put older jars on the class
   *     path
   */
  static String render(Path classes, Predicate<String> packages, List<Path> classpath) {
    try (URLClassLoader loader =
        new URLClassLoader(urls(classpath), new WithoutWarren(ApiDump.class.getClassLoader()))) {
      List<Class<?>> types =
          classNames(classes).stream()
              .<Class<?>>map(name -> load(name, loader))
              .filter(type -> packages.test(type.getPackageName()))
              .filter(ApiDump::isApi)
              .sorted(
                  Comparator.<Class<?>, String>comparing(Class::getPackageName)
                      .thenComparing(Class::getName))
              .toList();
      StringBuilder text = new StringBuilder();
      for (Class<?> type : types) {
        if (!text.isEmpty()) {
          text.append('\n');
        }
        text.append(header(type)).append(" {\n");
        for (String member : members(type)) {
          text.append(INDENT).append(member).append('\n');
        }
        text.append("}\n");
      }
      return text.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> classNames(Path classes) {
    try (Stream<Path> files = Files.walk(classes)) {
      return files
          .filter(file -> file.toString().endsWith(".class"))
          .map(file -> classes.relativize(file).toString())
          .map(file -> file.substring(0, file.length() - ".class".length()))
          .filter(file -> !file.endsWith("module-info") && !file.endsWith("package-info"))
          .map(file -> file.replace(classes.getFileSystem().getSeparator(), "."))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Class<?> load(String name, ClassLoader loader) {
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException("cannot load " + name + " to read its API", e);
    }
  }

  private static boolean isApi(Class<?> type) {
    if (type.isSynthetic() || type.isAnonymousClass() || type.isLocalClass()) {
      return false;
    }
    Class<?> outer = type.getDeclaringClass();
    if (outer == null) {
      return Modifier.isPublic(type.getModifiers());
    }
    return isApi(outer) && isVisibleMember(type.getModifiers(), outer);
  }

  /** Public, or protected in a type that code outside its package can extend. */
  private static boolean isVisibleMember(int modifiers, Class<?> owner) {
    return Modifier.isPublic(modifiers)
        || (Modifier.isProtected(modifiers)
            && !Modifier.isFinal(owner.getModifiers())
            && !owner.isSealed());
  }

  private static String header(Class<?> type) {
    List<String> words = new ArrayList<>();
    words.add(annotations(type));
    words.add(visibility(type.getModifiers()));
    String kind;
    if (type.isAnnotation()) {
      kind = "@interface";
    } else if (type.isInterface()) {
      kind = "interface";
      words.add(sealing(type));
    } else if (type.isEnum()) {
      kind = "enum";
    } else if (type.isRecord()) {
      kind = "record";
    } else {
      kind = "class";
      int modifiers = type.getModifiers();
      words.add(type.getDeclaringClass() != null && Modifier.isStatic(modifiers) ? "static" : "");
      words.add(Modifier.isAbstract(modifiers) ? "abstract" : "");
      words.add(Modifier.isFinal(modifiers) ? "final" : sealing(type));
    }
    words.add(kind);
    words.add(name(type) + typeParameters(type.getTypeParameters()));
    if (kind.equals("class") && type.getGenericSuperclass() != Object.class) {
      words.add("extends " + type(type.getGenericSuperclass()));
    }
    List<Type> interfaces =
        Arrays.stream(type.getGenericInterfaces())
            .filter(supertype -> supertype != Annotation.class)
            .toList();
    if (!interfaces.isEmpty()) {
      words.add(
          (type.isInterface() ? "extends " : "implements ")
              + interfaces.stream().map(ApiDump::type).collect(joining(", ")));
    }
    if (type.isSealed()) {
      String permitted =
          Arrays.stream(type.getPermittedSubclasses())
              .filter(ApiDump::isApi)
              .map(ApiDump::name)
              .sorted()
              .collect(joining(", "));
      words.add(permitted.isEmpty() ? "" : "permits " + permitted);
    }
    return words.stream().filter(word -> !word.isEmpty()).collect(joining(" "));
  }

  private static String sealing(Class<?> type) {
    if (type.isSealed()) {
      return "sealed";
    }
    boolean extendsSealed =
        (type.getSuperclass() != null && type.getSuperclass().isSealed())
            || Arrays.stream(type.getInterfaces()).anyMatch(Class::isSealed);
    return extendsSealed ? "non-sealed" : "";
  }

  private static List<String> members(Class<?> type) {
    record Member(int order, String name, String line) {}
    List<Member> members = new ArrayList<>();
    for (Field field : type.getDeclaredFields()) {
      if (!field.isSynthetic() && isVisibleMember(field.getModifiers(), type)) {
        members.add(new Member(0, field.getName(), field(field)));
      }
    }
    for (Constructor<?> constructor : type.getDeclaredConstructors()) {
      if (!constructor.isSynthetic() && isVisibleMember(constructor.getModifiers(), type)) {
        members.add(new Member(1, "", executable(constructor, type)));
      }
    }
    for (Method method : type.getDeclaredMethods()) {
      if (!method.isSynthetic()
          && !method.isBridge()
          && isVisibleMember(method.getModifiers(), type)) {
        members.add(new Member(2, method.getName(), executable(method, type)));
      }
    }
    return members.stream()
        .sorted(
            Comparator.comparingInt(Member::order)
                .thenComparing(Member::name)
                .thenComparing(Member::line))
        .map(Member::line)
        .toList();
  }

  private static String field(Field field) {
    int modifiers = field.getModifiers();
    return join(
        annotations(field),
        visibility(modifiers),
        Modifier.isStatic(modifiers) ? "static" : "",
        Modifier.isFinal(modifiers) ? "final" : "",
        type(field.getGenericType()),
        field.getName());
  }

  private static String executable(Executable executable, Class<?> owner) {
    int modifiers = executable.getModifiers();
    List<String> words = new ArrayList<>();
    words.add(annotations(executable));
    words.add(visibility(modifiers));
    if (executable instanceof Method method && owner.isInterface()) {
      words.add(method.isDefault() ? "default" : "");
      words.add(Modifier.isStatic(modifiers) ? "static" : "");
    } else {
      words.add(Modifier.isAbstract(modifiers) ? "abstract" : "");
      words.add(Modifier.isStatic(modifiers) ? "static" : "");
      words.add(Modifier.isFinal(modifiers) ? "final" : "");
    }
    words.add(typeParameters(executable.getTypeParameters()));
    String name = owner.getSimpleName();
    if (executable instanceof Method method) {
      words.add(type(method.getGenericReturnType()));
      name = method.getName();
    }
    words.add(name + parameters(executable));
    Type[] exceptions = executable.getGenericExceptionTypes();
    if (exceptions.length > 0) {
      words.add("throws " + Arrays.stream(exceptions).map(ApiDump::type).collect(joining(", ")));
    }
    if (executable instanceof Method method && method.getDefaultValue() != null) {
      words.add("default " + value(method.getDefaultValue()));
    }
    return join(words.toArray(String[]::new));
  }

  private static String parameters(Executable executable) {
    List<String> parameters =
        Arrays.stream(executable.getGenericParameterTypes()).map(ApiDump::type).toList();
    if (executable.isVarArgs() && !parameters.isEmpty()) {
      int last = parameters.size() - 1;
      List<String> varargs = new ArrayList<>(parameters);
      String array = varargs.get(last);
      varargs.set(last, array.substring(0, array.length() - "[]".length()) + "...");
      parameters = varargs;
    }
    return parameters.stream().collect(joining(", ", "(", ")"));
  }

  private static String typeParameters(TypeVariable<?>[] variables) {
    if (variables.length == 0) {
      return "";
    }
    return Arrays.stream(variables)
        .map(
            variable -> {
              Type[] bounds = variable.getBounds();
              if (bounds.length == 1 && bounds[0] == Object.class) {
                return variable.getName();
              }
              return variable.getName()
                  + " extends "
                  + Arrays.stream(bounds).map(ApiDump::type).collect(joining(" & "));
            })
        .collect(joining(", ", "<", ">"));
  }

  /** A type as source code writes it, with its package; nested types joined with a dot. */
  static String type(Type type) {
    if (type instanceof Class<?> c) {
      return c.isArray() ? type(c.getComponentType()) + "[]" : name(c);
    }
    if (type instanceof ParameterizedType parameterized) {
      Class<?> raw = (Class<?>) parameterized.getRawType();
      String arguments =
          Arrays.stream(parameterized.getActualTypeArguments())
              .map(ApiDump::type)
              .collect(joining(", ", "<", ">"));
      if (parameterized.getOwnerType() instanceof ParameterizedType owner) {
        return type(owner) + "." + raw.getSimpleName() + arguments;
      }
      return name(raw) + arguments;
    }
    if (type instanceof TypeVariable<?> variable) {
      return variable.getName();
    }
    if (type instanceof WildcardType wildcard) {
      if (wildcard.getLowerBounds().length > 0) {
        return "? super " + bounds(wildcard.getLowerBounds());
      }
      Type[] upper = wildcard.getUpperBounds();
      return upper.length == 0 || upper[0] == Object.class ? "?" : "? extends " + bounds(upper);
    }
    if (type instanceof GenericArrayType array) {
      return type(array.getGenericComponentType()) + "[]";
    }
    throw new IllegalArgumentException("unknown kind of type: " + type);
  }

  private static String bounds(Type[] bounds) {
    return Arrays.stream(bounds).map(ApiDump::type).collect(joining(" & "));
  }

  private static String name(Class<?> type) {
    return Objects.requireNonNullElse(type.getCanonicalName(), type.getName());
  }

  private static String visibility(int modifiers) {
    return Modifier.isPublic(modifiers)
        ? "public"
        : Modifier.isProtected(modifiers) ? "protected" : "";
  }

  /**
   * The annotations that javadoc shows ({@code @Documented} ones, such as {@code @Deprecated} and
   * {@code @FunctionalInterface}), each with the values that differ from the defaults.
   */
  private static String annotations(AnnotatedElement element) {
    return Arrays.stream(element.getDeclaredAnnotations())
        .filter(annotation -> annotation.annotationType().isAnnotationPresent(Documented.class))
        .map(ApiDump::annotation)
        .sorted()
        .collect(joining(" "));
  }

  // why: Annotation.toString() changed its format between JDKs; the baseline must not depend on
  // the JDK that renders it
  private static String annotation(Annotation annotation) {
    List<String> values = new ArrayList<>();
    Method[] elements = annotation.annotationType().getDeclaredMethods();
    Arrays.sort(elements, Comparator.comparing(Method::getName));
    for (Method element : elements) {
      Object value;
      try {
        value = element.invoke(annotation);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("cannot read " + element + " of " + annotation, e);
      }
      if (!Objects.deepEquals(value, element.getDefaultValue())) {
        values.add(element.getName() + "=" + value(value));
      }
    }
    String name = "@" + name(annotation.annotationType());
    if (values.isEmpty()) {
      return name;
    }
    if (values.size() == 1 && values.getFirst().startsWith("value=")) {
      return name + "(" + values.getFirst().substring("value=".length()) + ")";
    }
    return name + "(" + String.join(", ", values) + ")";
  }

  private static String value(Object value) {
    return switch (value) {
      case String s -> '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
      case Character c -> "'" + c + "'";
      case Long l -> l + "L";
      case Float f -> f + "f";
      case Class<?> c -> type(c) + ".class";
      case Enum<?> e -> name(e.getDeclaringClass()) + "." + e.name();
      case Annotation a -> annotation(a);
      default -> {
        if (value.getClass().isArray()) {
          List<String> items = new ArrayList<>();
          for (int i = 0; i < Array.getLength(value); i++) {
            items.add(value(Array.get(value, i)));
          }
          yield items.stream().collect(joining(", ", "{", "}"));
        }
        yield String.valueOf(value);
      }
    };
  }

  private static String join(String... words) {
    return Arrays.stream(words).filter(word -> !word.isEmpty()).collect(joining(" "));
  }

  private static URL[] urls(List<Path> directories) {
    List<URL> urls = new ArrayList<>();
    for (Path directory : directories) {
      try {
        urls.add(directory.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException(directory.toString(), e);
      }
    }
    return urls.toArray(URL[]::new);
  }

  /** Delegates to the test's class path for libraries, never for Warren's own classes. */
  private static final class WithoutWarren extends ClassLoader {
    WithoutWarren(ClassLoader parent) {
      super(parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith("dev.warren.")) {
        throw new ClassNotFoundException(name);
      }
      return super.loadClass(name, resolve);
    }
  }
}

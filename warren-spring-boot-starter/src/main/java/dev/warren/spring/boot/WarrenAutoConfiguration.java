package dev.warren.spring.boot;

import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.admin.WarrenAdmin;
import dev.warren.codec.JsonDataCodec;
import dev.warren.spi.DataCodec;
import dev.warren.tasks.Tasks;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;

/**
 * Spring Boot auto-configuration of Warren: a {@link Warren} bean built from the {@code warren.*}
 * properties ({@link WarrenProperties}) with the application's JSON mapper, its {@link Tasks} and
 * {@link WarrenAdmin}, the {@link WarrenListener} and {@link WarrenTask} methods started once the
 * context is ready, a {@code warren} health indicator, Warren's meters on the application's
 * registry, and its publishes and handler runs as observations on the application's {@link
 * ObservationRegistry} ({@link WarrenObservations}).
 *
 * <p>Every bean backs off when the application defines its own: a {@link Warren} bean replaces the
 * whole instance, a {@link WarrenOptions} bean the properties, a {@link DataCodec} bean the mapper.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
      "org.springframework.boot.jackson2.autoconfigure.Jackson2AutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
      "org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration"
    })
@EnableConfigurationProperties(WarrenProperties.class)
public class WarrenAutoConfiguration {
  /** Creates the auto-configuration; Spring Boot does. */
  public WarrenAutoConfiguration() {}

  /**
   * @param properties the {@code warren.*} properties
   * @param codec the codec chosen below, if any
   * @param observations the application's observation registry, if any: publishes and handler runs
   *     are observed on it, and their trace context travels in the messages' headers
   * @return the options: the properties over Warren's defaults
   */
  @Bean
  @ConditionalOnMissingBean
  public WarrenOptions warrenOptions(
      WarrenProperties properties,
      ObjectProvider<DataCodec> codec,
      ObjectProvider<ObservationRegistry> observations) {
    WarrenOptions.Builder options = properties.toOptions();
    DataCodec chosen = codec.getIfUnique();
    if (chosen != null) {
      options.codec(chosen);
    }
    ObservationRegistry registry = observations.getIfUnique();
    // why: not registry.isNoop(), which is true until handlers are added and may be later
    if (registry != null && registry != ObservationRegistry.NOOP) {
      // why: built once here only to read the exchange the properties settled on
      options.observer(new WarrenObservations(registry, options.build().exchange()));
    }
    return options.build();
  }

  /**
   * @param options the options
   * @return the started instance, closed when the context closes (after the listeners stopped)
   * @throws dev.warren.BrokerUnavailableException when the broker cannot be reached within {@code
   *     warren.connect-timeout}: the application does not start without its broker
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Warren warren(WarrenOptions options) {
    return Warren.create(options);
  }

  /**
   * @param warren the instance
   * @return its task queue, created when first injected
   */
  @Bean
  @Lazy
  @ConditionalOnMissingBean
  public Tasks warrenTasks(Warren warren) {
    return warren.tasks();
  }

  /**
   * @param warren the instance
   * @return its operator surface
   */
  @Bean
  @Lazy
  @ConditionalOnMissingBean
  public WarrenAdmin warrenAdmin(Warren warren) {
    return warren.admin();
  }

  /**
   * @return the collector of annotated methods; static, as a post-processor must be
   */
  @Bean
  static WarrenMethods warrenMethods() {
    return new WarrenMethods();
  }

  /**
   * @param warren the instance
   * @param methods the annotated methods
   * @return the lifecycle that starts and stops them
   */
  @Bean
  WarrenLifecycle warrenLifecycle(Warren warren, WarrenMethods methods) {
    return new WarrenLifecycle(warren, methods);
  }

  /** The application's Jackson 3 mapper (Spring Boot 4's default) as Warren's codec. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(tools.jackson.databind.ObjectMapper.class)
  static class Jackson3Codec {
    @Bean
    @ConditionalOnMissingBean(DataCodec.class)
    @ConditionalOnSingleCandidate(tools.jackson.databind.ObjectMapper.class)
    DataCodec warrenJackson3Codec(tools.jackson.databind.ObjectMapper mapper) {
      return new Jackson3DataCodec(mapper);
    }
  }

  /**
   * The application's Jackson 2 mapper as Warren's codec, when it has one and no Jackson 3 mapper
   * (Spring Boot 4 with {@code spring-boot-jackson2}).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(com.fasterxml.jackson.databind.ObjectMapper.class)
  static class Jackson2Codec {
    @Bean
    @ConditionalOnMissingBean(value = DataCodec.class, type = "tools.jackson.databind.ObjectMapper")
    @ConditionalOnSingleCandidate(com.fasterxml.jackson.databind.ObjectMapper.class)
    DataCodec warrenJackson2Codec(com.fasterxml.jackson.databind.ObjectMapper mapper) {
      return JsonDataCodec.of(mapper);
    }
  }

  /** Warren's meters on the application's registry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(MeterRegistry.class)
  static class Meters {
    @Bean
    WarrenMeters warrenMeters(MeterRegistry registry) {
      return new WarrenMeters(registry);
    }
  }

  /**
   * Warren's indicator in the readiness group, unless {@code warren.health.readiness=false} or the
   * application lists the group's members itself.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor",
        "org.springframework.boot.actuate.endpoint.SecurityContext"
      })
  @ConditionalOnEnabledHealthIndicator("warren")
  @ConditionalOnProperty(name = "warren.health.readiness", matchIfMissing = true)
  static class Readiness {
    @Bean
    static ReadinessMembership warrenReadinessMembership(Environment environment) {
      boolean listedByApplication =
          environment.containsProperty("management.endpoint.health.group.readiness.include");
      return new ReadinessMembership(listedByApplication ? null : "warren");
    }
  }

  /** The {@code warren} health indicator. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  @ConditionalOnEnabledHealthIndicator("warren")
  static class HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "warrenHealthIndicator")
    WarrenHealthIndicator warrenHealthIndicator(Warren warren) {
      return new WarrenHealthIndicator(warren);
    }
  }
}

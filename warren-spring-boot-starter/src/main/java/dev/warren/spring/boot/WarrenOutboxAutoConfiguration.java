package dev.warren.spring.boot;

import dev.warren.Warren;
import dev.warren.outbox.Inbox;
import dev.warren.outbox.Outbox;
import dev.warren.outbox.OutboxOptions;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * Spring Boot auto-configuration of the transactional outbox, when {@code warren-outbox} is on the
 * class path and the application has one {@link DataSource}: an {@link Outbox} on that data source
 * (its tables created when missing) configured by {@code warren.outbox.*} ({@link
 * WarrenOutboxProperties}); the {@link Warren} bean publishing through it inside transactions
 * ({@code warren.publish(..)} in a {@code @Transactional} method commits or rolls back with the
 * method's writes); a relay run as part of the context's lifecycle; its {@code warrenOutbox} health
 * indicator in the readiness group; and the {@link Inbox}. Off with {@code
 * warren.outbox.enabled=false}.
 *
 * <p>The relay's meters ({@code warren.outbox.depth}, {@code warren.outbox.oldest.age}, {@code
 * warren.outbox.published}) reach the application's registry the way Warren's own do (see {@link
 * WarrenAutoConfiguration}).
 */
@AutoConfiguration(
    after = WarrenAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration"
    })
@ConditionalOnClass({Outbox.class, DataSourceUtils.class})
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnProperty(name = "warren.outbox.enabled", matchIfMissing = true)
@EnableConfigurationProperties(WarrenOutboxProperties.class)
public class WarrenOutboxAutoConfiguration {
  /** Creates the auto-configuration; Spring Boot does. */
  public WarrenOutboxAutoConfiguration() {}

  /**
   * @param properties the {@code warren.outbox.*} properties
   * @return the options: the properties over the outbox's defaults
   */
  @Bean
  @ConditionalOnMissingBean
  public OutboxOptions warrenOutboxOptions(WarrenOutboxProperties properties) {
    return properties.toOptions();
  }

  /**
   * @param dataSource the application's data source
   * @param options the options
   * @return the outbox, its tables created when missing; closed with the context
   * @throws dev.warren.WarrenException when the tables cannot be created
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Outbox warrenOutbox(DataSource dataSource, OutboxOptions options) {
    return Outbox.create(dataSource, options);
  }

  /**
   * @param outbox the outbox
   * @return its inbox, for handlers whose side effects must happen once
   */
  @Bean
  @ConditionalOnMissingBean
  public Inbox warrenInbox(Outbox outbox) {
    return outbox.inbox();
  }

  /**
   * @param outbox the outbox, resolved when the first {@link Warren} bean is created
   * @param dataSource the data source whose transactions carry the events
   * @return the post-processor that routes the {@link Warren} beans' publishing in transactions
   *     through the outbox; static, as a post-processor must be
   */
  @Bean
  @ConditionalOnProperty(name = "warren.outbox.transactional", matchIfMissing = true)
  static BeanPostProcessor warrenOutboxPublishing(
      ObjectProvider<Outbox> outbox, ObjectProvider<DataSource> dataSource) {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof Warren warren && !(bean instanceof OutboxWarren)) {
          return new OutboxWarren(warren, outbox.getObject(), dataSource.getObject());
        }
        return bean;
      }
    };
  }

  /**
   * @param outbox the outbox
   * @param warren the instance whose direct publishing the relay uses
   * @return the relay, started and stopped with the context
   */
  @Bean
  @ConditionalOnProperty(name = "warren.outbox.relay", matchIfMissing = true)
  OutboxRelayLifecycle warrenOutboxRelay(Outbox outbox, Warren warren) {
    return new OutboxRelayLifecycle(outbox, warren);
  }

  /** The {@code warrenOutbox} health indicator, with this application's relay. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  @ConditionalOnEnabledHealthIndicator("warren-outbox")
  // why: the property, not @ConditionalOnBean: nested classes are read before the outer bean
  // methods
  @ConditionalOnProperty(name = "warren.outbox.relay", matchIfMissing = true)
  static class HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "warrenOutboxHealthIndicator")
    WarrenOutboxHealthIndicator warrenOutboxHealthIndicator(OutboxRelayLifecycle relay) {
      return new WarrenOutboxHealthIndicator(relay);
    }
  }

  /**
   * The outbox's indicator in the readiness group, unless {@code warren.health.readiness=false} or
   * the application lists the group's members itself: an instance whose events do not leave stops
   * taking the requests that write more.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor",
        "org.springframework.boot.actuate.endpoint.SecurityContext"
      })
  @ConditionalOnEnabledHealthIndicator("warren-outbox")
  @ConditionalOnProperty(name = "warren.health.readiness", matchIfMissing = true)
  @ConditionalOnProperty(name = "warren.outbox.relay", matchIfMissing = true)
  static class Readiness {
    @Bean
    static ReadinessMembership warrenOutboxReadinessMembership(Environment environment) {
      boolean listedByApplication =
          environment.containsProperty("management.endpoint.health.group.readiness.include");
      return new ReadinessMembership(listedByApplication ? null : "warrenOutbox");
    }
  }
}

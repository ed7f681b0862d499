package dev.warren.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.SimpleHttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.SimpleStatusAggregator;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** When Warren's indicator joins the readiness group, and when it stays out. */
class ReadinessMembershipTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(WarrenAutoConfiguration.class))
          .withPropertyValues("warren.transport=memory");

  /** A group with a fixed set of members, as Spring Boot's probes define readiness. */
  private record Members(Set<String> names) implements HealthEndpointGroup {
    @Override
    public boolean isMember(String name) {
      return names.contains(name);
    }

    @Override
    public boolean showComponents(SecurityContext securityContext) {
      return true;
    }

    @Override
    public boolean showDetails(SecurityContext securityContext) {
      return true;
    }

    @Override
    public StatusAggregator getStatusAggregator() {
      return new SimpleStatusAggregator();
    }

    @Override
    public HttpCodeStatusMapper getHttpCodeStatusMapper() {
      return new SimpleHttpCodeStatusMapper();
    }

    @Override
    public AdditionalHealthEndpointPath getAdditionalPath() {
      return null;
    }
  }

  static HealthEndpointGroups probes() {
    return HealthEndpointGroups.of(
        new Members(Set.of("ping", "diskSpace")),
        Map.of(
            "readiness", new Members(Set.of("readinessState")),
            "liveness", new Members(Set.of("livenessState"))));
  }

  @Test
  void warrenJoinsTheReadinessGroupOnly() {
    runner.run(
        context -> {
          HealthEndpointGroups groups =
              context.getBean(ReadinessMembership.class).postProcessHealthEndpointGroups(probes());
          assertThat(groups.get("readiness").isMember("warren")).isTrue();
          assertThat(groups.get("readiness").isMember("readinessState")).isTrue();
          assertThat(groups.get("liveness").isMember("warren")).isFalse();
          assertThat(groups.getNames()).containsExactlyInAnyOrder("readiness", "liveness");
        });
  }

  @Test
  void aReadinessGroupTheApplicationListsIsLeftAlone() {
    runner
        .withPropertyValues("management.endpoint.health.group.readiness.include=readinessState")
        .run(
            context -> {
              HealthEndpointGroups probes = probes();
              assertThat(
                      context
                          .getBean(ReadinessMembership.class)
                          .postProcessHealthEndpointGroups(probes))
                  .isSameAs(probes);
            });
  }

  @Test
  void warrenHealthReadinessFalseKeepsItOut() {
    runner
        .withPropertyValues("warren.health.readiness=false")
        .run(context -> assertThat(context).doesNotHaveBean(ReadinessMembership.class));
  }

  @Test
  void withoutAReadinessGroupNothingChanges() {
    runner.run(
        context -> {
          HealthEndpointGroups none = HealthEndpointGroups.of(new Members(Set.of()), Map.of());
          assertThat(
                  context.getBean(ReadinessMembership.class).postProcessHealthEndpointGroups(none))
              .isSameAs(none);
        });
  }
}

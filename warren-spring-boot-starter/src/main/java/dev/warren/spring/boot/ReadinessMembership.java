package dev.warren.spring.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;

/**
 * Adds Warren's health indicator to the {@code readiness} group Spring Boot defines (on Kubernetes,
 * or with {@code management.endpoint.health.probes.enabled=true}), so an instance whose broker is
 * gone stops receiving traffic; unless the application listed the group's members itself.
 */
final class ReadinessMembership implements HealthEndpointGroupsPostProcessor {
  static final String GROUP = "readiness";
  private final String member;

  /**
   * @param member the indicator to add, or {@code null} to leave the groups as they are
   */
  ReadinessMembership(String member) {
    this.member = member;
  }

  @Override
  public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
    HealthEndpointGroup readiness = groups.get(GROUP);
    if (member == null || readiness == null || readiness.isMember(member)) {
      return groups;
    }
    Map<String, HealthEndpointGroup> all = new LinkedHashMap<>();
    for (String name : groups.getNames()) {
      all.put(name, groups.get(name));
    }
    all.put(GROUP, new WithMember(readiness, member));
    return HealthEndpointGroups.of(groups.getPrimary(), all);
  }

  /** A group with one more member. */
  private record WithMember(HealthEndpointGroup group, String member)
      implements HealthEndpointGroup {
    @Override
    public boolean isMember(String name) {
      return member.equals(name) || group.isMember(name);
    }

    @Override
    public boolean showComponents(SecurityContext securityContext) {
      return group.showComponents(securityContext);
    }

    @Override
    public boolean showDetails(SecurityContext securityContext) {
      return group.showDetails(securityContext);
    }

    @Override
    public StatusAggregator getStatusAggregator() {
      return group.getStatusAggregator();
    }

    @Override
    public HttpCodeStatusMapper getHttpCodeStatusMapper() {
      return group.getHttpCodeStatusMapper();
    }

    @Override
    public AdditionalHealthEndpointPath getAdditionalPath() {
      return group.getAdditionalPath();
    }
  }
}

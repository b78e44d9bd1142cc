package dev.interactiondemo.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Not a test: the chart's tests moved next to the chart (helm/src/test, the chart-tests module). DashboardTest and
 * RbacTest still name these helpers {@code ChartTest.X}; they are {@link Helm}'s. Delete this class once they say
 * {@code Helm.X}.
 */
final class ChartTest {
    static final String FULLNAME = Helm.FULLNAME;

    private ChartTest() {
    }

    static Deployment deployment(List<HasMetadata> objects) {
        return Helm.deployment(objects);
    }

    static Map<String, String> env(Deployment d) {
        return Helm.env(d);
    }

    static Set<String> permissions(List<PolicyRule> rules) {
        return Helm.permissions(rules);
    }
}

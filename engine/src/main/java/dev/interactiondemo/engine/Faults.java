package dev.interactiondemo.engine;

import dev.interactiondemo.api.spec.FaultsSpec;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/**
 * The faults switched on for a lesson, in words: what {@code status.faults} lists and the {@code FaultsActive}
 * condition says. Pure; the operator and the sandbox both use it.
 */
public final class Faults {
    public static final String FAULTS_ACTIVE = "FaultsActive";

    private Faults() {
    }

    /** Each fault in force as {@code part.switch=value}, e.g. {@code greeter.errorRate=0.3}; empty when none. */
    public static List<String> active(FaultsSpec faults) {
        List<String> on = new ArrayList<>();
        if (faults == null) {
            return on;
        }
        if (faults.getGreeter() != null) {
            Double rate = faults.getGreeter().getErrorRate();
            if (rate != null && rate > 0) {
                on.add("greeter.errorRate=" + number(rate));
            }
            if (Boolean.TRUE.equals(faults.getGreeter().getUnavailable())) {
                on.add("greeter.unavailable=true");
            }
        }
        if (faults.getWorker() != null) {
            Double rate = faults.getWorker().getFailBeforeCommit();
            if (rate != null && rate > 0) {
                on.add("worker.failBeforeCommit=" + number(rate));
            }
        }
        if (faults.getKafka() != null && Boolean.TRUE.equals(faults.getKafka().getCutHost())) {
            on.add("kafka.cutHost=true");
        }
        return on;
    }

    /**
     * {@code FaultsActive}: True, reason {@code FaultsActive}, listing them, when any is on; False, reason
     * {@code NoFaults}, otherwise.
     *
     * @param note what the reader should know in addition (e.g. how a cut is enforced), or null
     */
    public static Condition condition(List<String> active, String note) {
        if (active.isEmpty()) {
            return Conditions.of(FAULTS_ACTIVE, false, "NoFaults", "no fault is switched on");
        }
        return Conditions.of(FAULTS_ACTIVE, true, "FaultsActive", String.join(", ", active)
                + (note == null ? "" : "; " + note));
    }

    private static String number(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}

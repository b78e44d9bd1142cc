package dev.interactiondemo.operator.status;

import dev.interactiondemo.api.status.InteractionDemoStatus;
import dev.interactiondemo.api.status.TopicStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StatusDiffTest {
    @Test
    void namesEachChangedFieldWithItsPath() {
        InteractionDemoStatus before = status(false, "Creating");
        InteractionDemoStatus after = status(true, "Created");
        assertEquals(".conditions[0].reason: \"Creating\" -> \"Created\"; .conditions[0].status: \"False\" -> "
                + "\"True\"; .topic.ready: false -> true",
                StatusDiff.describe(before, after));
    }

    @Test
    void nothingChangedIsAnEmptyText() {
        assertEquals("", StatusDiff.describe(status(true, "Created"), status(true, "Created")));
    }

    @Test
    void aFirstStatusIsOneChangeFromNothing() {
        String first = StatusDiff.describe(null, status(false, "Creating"));
        assertEquals(".: null -> ", first.substring(0, ".: null -> ".length()), first);
    }

    @Test
    void aFieldThatAppearsOrGoesIsShownAgainstNull() {
        InteractionDemoStatus after = status(true, "Created");
        after.getTopic().setTopicId("abc");
        assertEquals(".topic.topicId: null -> \"abc\"", StatusDiff.describe(status(true, "Created"), after));
        assertEquals(".topic.topicId: \"abc\" -> null", StatusDiff.describe(after, status(true, "Created")));
    }

    private static InteractionDemoStatus status(boolean ready, String reason) {
        InteractionDemoStatus s = new InteractionDemoStatus();
        TopicStatus t = new TopicStatus();
        t.setName("demo-topic");
        t.setReady(ready);
        s.setTopic(t);
        s.setConditions(List.of(new ConditionBuilder().withType("TopicReady").withStatus(ready ? "True" : "False")
                .withReason(reason).build()));
        return s;
    }
}

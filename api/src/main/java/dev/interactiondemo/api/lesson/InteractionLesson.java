package dev.interactiondemo.api.lesson;

import dev.interactiondemo.api.InteractionDemo;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A lesson on one InteractionDemo of its namespace: steps that switch the demo's faults and parts, hold, or wait, and
 * hypotheses on the demo's figures, each with a verdict and its evidence. Everything it switched goes back at the end.
 */
@Group(InteractionDemo.GROUP)
@Version(InteractionDemo.VERSION)
@Kind("InteractionLesson")
@Plural("interactionlessons")
@Singular("interactionlesson")
@ShortNames("lesson")
@AdditionalPrinterColumn(name = "Demo", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".spec.demo")
@AdditionalPrinterColumn(name = "Lesson", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.lesson")
@AdditionalPrinterColumn(name = "Phase", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Step", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.step")
@AdditionalPrinterColumn(name = "Verdict", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.verdict")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE,
        jsonPath = ".metadata.creationTimestamp")
public class InteractionLesson extends CustomResource<InteractionLessonSpec, InteractionLessonStatus>
        implements Namespaced {

    @Override
    @Required
    public InteractionLessonSpec getSpec() {
        return super.getSpec();
    }
}

package dev.interactiondemo.api;

import dev.interactiondemo.api.spec.InteractionDemoSpec;
import dev.interactiondemo.api.status.InteractionDemoStatus;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An InteractionDemo: a gRPC Greeter (the synchronous side), a Kafka topic, and a notification Host and Worker (the
 * asynchronous side), with a status that shows the health of every part and live message counts.
 */
@Group(InteractionDemo.GROUP)
@Version(InteractionDemo.VERSION)
@Kind("InteractionDemo")
@Plural("interactiondemos")
@Singular("interactiondemo")
@ShortNames("idemo")
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Greeter", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.greeter.serving")
@AdditionalPrinterColumn(name = "Produced", type = AdditionalPrinterColumn.Type.INTEGER,
        jsonPath = ".status.messages.produced")
@AdditionalPrinterColumn(name = "Consumed", type = AdditionalPrinterColumn.Type.INTEGER,
        jsonPath = ".status.messages.consumed")
@AdditionalPrinterColumn(name = "Lag", type = AdditionalPrinterColumn.Type.INTEGER,
        jsonPath = ".status.messages.lag")
@AdditionalPrinterColumn(name = "Lost", type = AdditionalPrinterColumn.Type.INTEGER,
        jsonPath = ".status.delivery.lost")
@AdditionalPrinterColumn(name = "Faults", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"FaultsActive\")].status")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE,
        jsonPath = ".metadata.creationTimestamp")
@ValidationRule(value = "self.metadata.name.size() <= 55 && self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
        message = "metadata.name: at most 55 characters, lower-case letters, digits and '-', starting with a letter: "
                + "it names the demo's Services (<name>-greeter, at most 63 characters)")
public class InteractionDemo extends CustomResource<InteractionDemoSpec, InteractionDemoStatus> implements Namespaced {
    public static final String GROUP = "interactiondemo.dev";
    public static final String VERSION = "v1alpha1";

    @Override
    @Required
    public InteractionDemoSpec getSpec() {
        return super.getSpec();
    }
}

package dev.interactiondemo.api.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** What every part's Deployment lets a user override: the image and the resources. */
public abstract class ComponentSpec {

    @Pattern("^[^\\s]+$")
    @Size(max = 512)
    @JsonPropertyDescription("Container image; default: the operator's configured image for this part.")
    private String image;

    @JsonPropertyDescription("CPU and memory requests and limits; default: the operator's defaults for this part.")
    private ResourceRequirements resources;

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }
}

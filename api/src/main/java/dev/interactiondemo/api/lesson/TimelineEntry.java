package dev.interactiondemo.api.lesson;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One line of a lesson's timeline: what happened, and what was seen. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TimelineEntry {

    @JsonPropertyDescription("When (RFC 3339).")
    private String at;

    @JsonPropertyDescription("The step it happened in; unset before the first and after the last.")
    private String step;

    @JsonPropertyDescription("What happened or was seen, with the figures.")
    private String text;

    public String getAt() {
        return at;
    }

    public void setAt(String at) {
        this.at = at;
    }

    public String getStep() {
        return step;
    }

    public void setStep(String step) {
        this.step = step;
    }

    public String getText() {
        return text;
    }

    public void setText(String text) {
        this.text = text;
    }
}

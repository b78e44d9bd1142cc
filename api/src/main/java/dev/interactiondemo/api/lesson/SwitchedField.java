package dev.interactiondemo.api.lesson;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A field of the demo's spec a lesson switched, and what it was before: what the lesson gives back. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SwitchedField {

    @JsonPropertyDescription("Its path in the demo's spec, e.g. faults.greeter.errorRate.")
    private String field;

    @JsonPropertyDescription("Its value before the lesson, as JSON; unset when it was not set.")
    private String before;

    @JsonPropertyDescription("The value the lesson set, as JSON.")
    private String value;

    public String getField() {
        return field;
    }

    public void setField(String field) {
        this.field = field;
    }

    public String getBefore() {
        return before;
    }

    public void setBefore(String before) {
        this.before = before;
    }

    public String getValue() {
        return value;
    }

    public void setValue(String value) {
        this.value = value;
    }
}

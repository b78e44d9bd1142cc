package dev.interactiondemo.api.lesson;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.interactiondemo.api.spec.Patterns;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** One step of a lesson: switch (set), rewind, then hold or wait until a hypothesis holds; its expectations checked meanwhile. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.set) || has(self.rewind) || has(self.hold) || has(self.until)",
        message = "a step switches (set), rewinds, holds (hold) or waits (until): give at least one")
@ValidationRule(value = "!(has(self.hold) && has(self.until))", message = "hold or until, not both")
@ValidationRule(value = "!has(self.timeout) || has(self.until)", message = "timeout: only with until")
@ValidationRule(value = "!has(self.until) || self.until.check == 'atEnd'",
        message = "until: a condition to wait for, checked at each reading: check and after do not apply")
public class LessonStep {

    @Required
    @Size(max = 40)
    @Pattern(NAME)
    @JsonPropertyDescription("The step's name, unique in the lesson: lower-case letters, digits and '-', at most 40 characters.")
    private String name;

    @JsonPropertyDescription("Fields of the demo's spec to switch when the step begins.")
    private DemoSwitches set;

    @Min(1)
    @Max(1000000)
    @JsonPropertyDescription("Moves the Workers' consumer group back by this many messages per partition, so they are processed again (the Workers must be stopped: the step waits until the group is empty). The duplicates this predicts are recorded.")
    private Integer rewind;

    @Pattern(Patterns.DURATION)
    @ValidationRule(value = "duration(self) <= duration('10m')", message = "at most 10m")
    @JsonPropertyDescription("How long the step lasts, e.g. 20s.")
    private String hold;

    @JsonPropertyDescription("The step lasts until this holds (at most timeout).")
    private Hypothesis until;

    @Pattern(Patterns.DURATION)
    @ValidationRule(value = "duration(self) <= duration('10m')", message = "at most 10m")
    @JsonPropertyDescription("until: how long to wait at most; then the hypothesis fails and the lesson ends Failed. Default: 2m.")
    private String timeout;

    @Size(max = 10)
    @JsonPropertyDescription("Hypotheses checked while the step lasts (check always, sometime) or at its end (atEnd).")
    private List<Hypothesis> expect;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public DemoSwitches getSet() {
        return set;
    }

    public void setSet(DemoSwitches set) {
        this.set = set;
    }

    public Integer getRewind() {
        return rewind;
    }

    public void setRewind(Integer rewind) {
        this.rewind = rewind;
    }

    public String getHold() {
        return hold;
    }

    public void setHold(String hold) {
        this.hold = hold;
    }

    public Hypothesis getUntil() {
        return until;
    }

    public void setUntil(Hypothesis until) {
        this.until = until;
    }

    public String getTimeout() {
        return timeout;
    }

    public void setTimeout(String timeout) {
        this.timeout = timeout;
    }

    public List<Hypothesis> getExpect() {
        return expect;
    }

    public void setExpect(List<Hypothesis> expect) {
        this.expect = expect;
    }

    /** A step's name: a DNS-label-like word. */
    public static final String NAME = "^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$";
}

package dev.interactiondemo.api.lesson;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.interactiondemo.api.spec.Patterns;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** A statement about the demo's own figures that the lesson checks and gives a verdict on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.value) != (has(self.predicted) && self.predicted)",
        message = "give either value or predicted: true (compare with the duplicates the last rewind predicted)")
@ValidationRule(value = "self.is == 'near' || !has(self.tolerance)", message = "tolerance: only with is: near")
@ValidationRule(value = "!has(self.relativeTo) || has(self.value)", message = "relativeTo: only with value (a multiple of the figure at the end of that step)")
@ValidationRule(value = "!has(self.after) || self.check != 'atEnd'", message = "after: only with check always or sometime")
public class Hypothesis {

    @Required
    @JsonPropertyDescription("The figure of the demo's status it is about (see the lesson docs for each one's source).")
    private Figure figure;

    @Required
    @JsonPropertyDescription("How the figure compares with value: equal, notEqual, above, below, atLeast, atMost, near (within tolerance).")
    private Comparison is;

    @JsonPropertyDescription("The number it is compared with (a ratio with relativeTo).")
    private Double value;

    @Min(0)
    @JsonPropertyDescription("is: near: how far from value still counts as near. Default: 10 % of value, at least 0.05.")
    private Double tolerance;

    @Pattern(LessonStep.NAME)
    @JsonPropertyDescription("A step's name: value is then a multiple of the figure as it was at the end of that step (e.g. producedPerSecond above 1.5 relativeTo sync).")
    private String relativeTo;

    @JsonPropertyDescription("true: the figure's change since its step began (since the lesson began for spec.hypotheses), not its value.")
    private Boolean change;

    @JsonPropertyDescription("true: compare with the duplicates the last rewind step predicted (the offsets it moved back), instead of value.")
    private Boolean predicted;

    @Default("atEnd")
    @JsonPropertyDescription("When it must hold: atEnd (at the end of its step, or of the lesson), always (at every reading while the step lasts, after the delay in after), sometime (at one reading at least).")
    private Check check;

    @Pattern(Patterns.DURATION)
    @ValidationRule(value = "duration(self) <= duration('10m')", message = "at most 10m")
    @JsonPropertyDescription("always, sometime: how long after the step began the check starts (the parts take time to react), e.g. 5s.")
    private String after;

    @io.fabric8.generator.annotation.Size(max = 200)
    @JsonPropertyDescription("What it means, in the learner's words (shown beside the verdict).")
    private String says;

    public Figure getFigure() {
        return figure;
    }

    public void setFigure(Figure figure) {
        this.figure = figure;
    }

    public Comparison getIs() {
        return is;
    }

    public void setIs(Comparison is) {
        this.is = is;
    }

    public Double getValue() {
        return value;
    }

    public void setValue(Double value) {
        this.value = value;
    }

    public Double getTolerance() {
        return tolerance;
    }

    public void setTolerance(Double tolerance) {
        this.tolerance = tolerance;
    }

    public String getRelativeTo() {
        return relativeTo;
    }

    public void setRelativeTo(String relativeTo) {
        this.relativeTo = relativeTo;
    }

    public Boolean getChange() {
        return change;
    }

    public void setChange(Boolean change) {
        this.change = change;
    }

    public Boolean getPredicted() {
        return predicted;
    }

    public void setPredicted(Boolean predicted) {
        this.predicted = predicted;
    }

    public Check getCheck() {
        return check;
    }

    public void setCheck(Check check) {
        this.check = check;
    }

    public String getAfter() {
        return after;
    }

    public void setAfter(String after) {
        this.after = after;
    }

    public String getSays() {
        return says;
    }

    public void setSays(String says) {
        this.says = says;
    }
}

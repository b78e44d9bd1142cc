package dev.interactiondemo.api.lesson;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** What a lesson does to its demo: a lesson from the catalogue or steps of its own, with the hypotheses it checks. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.lesson) != has(self.steps)",
        message = "give either lesson (a lesson from the catalogue) or steps (a lesson of its own), not both")
@ValidationRule(value = "!has(self.steps) || self.steps.all(s, self.steps.exists_one(t, t.name == s.name))",
        message = "steps: each step needs a name of its own")
public class InteractionLessonSpec {

    @Required
    @Pattern("^[a-z]([-a-z0-9]{0,53}[a-z0-9])?$")
    @JsonPropertyDescription("The InteractionDemo this lesson runs on, in the lesson's namespace.")
    private String demo;

    @ValidationRule(value = "self in ['greeter-outage', 'greeter-unavailable', 'greeter-errors', 'worker-outage', 'duplicates', 'kafka-cut', 'scale-out', 'pull-model', 'sync-vs-async', 'replay']", message = "lesson: one of the catalogue: ['greeter-outage', 'greeter-unavailable', 'greeter-errors', 'worker-outage', 'duplicates', 'kafka-cut', 'scale-out', 'pull-model', 'sync-vs-async', 'replay']")
    @JsonPropertyDescription("A lesson from the catalogue: greeter-outage, greeter-unavailable, greeter-errors, worker-outage, duplicates, kafka-cut, scale-out, pull-model, sync-vs-async, replay.")
    private String lesson;

    @Size(min = 1, max = 20)
    @JsonPropertyDescription("A lesson of its own: its steps, in order.")
    private List<LessonStep> steps;

    @Size(max = 20)
    @JsonPropertyDescription("Hypotheses about the whole lesson (with the catalogue lesson's own): atEnd at its end, always and sometime throughout.")
    private List<Hypothesis> hypotheses;

    @Default("1")
    @Min(1)
    @Max(1000)
    @JsonPropertyDescription("How many times the lesson has been asked to run: raise it by one to run the lesson again.")
    private Integer runs;

    @Default("3")
    @Min(0)
    @Max(10)
    @JsonPropertyDescription("How many finished runs status.history keeps.")
    private Integer historyLimit;

    @JsonPropertyDescription("true: end the running lesson now, giving back every switch (phase Aborted).")
    private Boolean abort;

    public String getDemo() {
        return demo;
    }

    public void setDemo(String demo) {
        this.demo = demo;
    }

    public String getLesson() {
        return lesson;
    }

    public void setLesson(String lesson) {
        this.lesson = lesson;
    }

    public List<LessonStep> getSteps() {
        return steps;
    }

    public void setSteps(List<LessonStep> steps) {
        this.steps = steps;
    }

    public List<Hypothesis> getHypotheses() {
        return hypotheses;
    }

    public void setHypotheses(List<Hypothesis> hypotheses) {
        this.hypotheses = hypotheses;
    }

    public Integer getRuns() {
        return runs;
    }

    public void setRuns(Integer runs) {
        this.runs = runs;
    }

    public Integer getHistoryLimit() {
        return historyLimit;
    }

    public void setHistoryLimit(Integer historyLimit) {
        this.historyLimit = historyLimit;
    }

    public Boolean getAbort() {
        return abort;
    }

    public void setAbort(Boolean abort) {
        this.abort = abort;
    }
}

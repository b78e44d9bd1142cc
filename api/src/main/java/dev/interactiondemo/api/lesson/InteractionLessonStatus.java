package dev.interactiondemo.api.lesson;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Map;

/** Where a lesson is, what it saw and its verdicts: everything it needs to go on after an operator restart. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InteractionLessonStatus {

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("The catalogue lesson it runs, or 'custom' for steps of its own.")
    private String lesson;

    @JsonPropertyDescription("The run under way or last ended (spec.runs when it started).")
    private Integer run;

    @JsonPropertyDescription("Pending, Running, Passed, Failed or Aborted.")
    private LessonPhase phase;

    @JsonPropertyDescription("Passed, Failed or Inconclusive, once the run has ended.")
    private String verdict;

    @JsonPropertyDescription("Why it waits, or how it ended, in a sentence.")
    private String message;

    @JsonPropertyDescription("The step under way, counted from 0.")
    private Integer stepIndex;

    @JsonPropertyDescription("The name of the step under way.")
    private String step;

    private String stepStartedAt;

    @JsonPropertyDescription("Whether the step's switches and rewind are done.")
    private Boolean stepSwitched;

    @JsonPropertyDescription("Whether the step's effect on the demo's figures has been recorded.")
    private Boolean effectSeen;

    private String startedAt;

    private String finishedAt;

    @JsonPropertyDescription("Complete (the run has ended) and Passed (every hypothesis held).")
    private List<Condition> conditions;

    @JsonPropertyDescription("What happened, step by step, and what was seen (the latest 60 entries).")
    private List<TimelineEntry> timeline;

    @JsonPropertyDescription("Each hypothesis's verdict and evidence.")
    private List<HypothesisVerdict> hypotheses;

    @JsonPropertyDescription("The demo's fields the lesson switched and their values before: given back at the end.")
    private List<SwitchedField> switched;

    @JsonPropertyDescription("The demo's figures when the step began: what its effect and the changes are measured from.")
    private Map<String, Double> stepStart;

    @JsonPropertyDescription("The demo's figures when the lesson began.")
    private Map<String, Double> lessonStart;

    @JsonPropertyDescription("The demo's figures at the end of the steps a hypothesis refers to (relativeTo).")
    private Map<String, Map<String, Double>> stepEnds;

    @JsonPropertyDescription("The duplicates the last rewind step predicted.")
    private Long predictedDuplicates;

    @JsonPropertyDescription("The last finished runs (spec.historyLimit).")
    private List<LessonRunRecord> history;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public String getLesson() {
        return lesson;
    }

    public void setLesson(String lesson) {
        this.lesson = lesson;
    }

    public Integer getRun() {
        return run;
    }

    public void setRun(Integer run) {
        this.run = run;
    }

    public LessonPhase getPhase() {
        return phase;
    }

    public void setPhase(LessonPhase phase) {
        this.phase = phase;
    }

    public String getVerdict() {
        return verdict;
    }

    public void setVerdict(String verdict) {
        this.verdict = verdict;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public Integer getStepIndex() {
        return stepIndex;
    }

    public void setStepIndex(Integer stepIndex) {
        this.stepIndex = stepIndex;
    }

    public String getStep() {
        return step;
    }

    public void setStep(String step) {
        this.step = step;
    }

    public String getStepStartedAt() {
        return stepStartedAt;
    }

    public void setStepStartedAt(String stepStartedAt) {
        this.stepStartedAt = stepStartedAt;
    }

    public Boolean getStepSwitched() {
        return stepSwitched;
    }

    public void setStepSwitched(Boolean stepSwitched) {
        this.stepSwitched = stepSwitched;
    }

    public Boolean getEffectSeen() {
        return effectSeen;
    }

    public void setEffectSeen(Boolean effectSeen) {
        this.effectSeen = effectSeen;
    }

    public String getStartedAt() {
        return startedAt;
    }

    public void setStartedAt(String startedAt) {
        this.startedAt = startedAt;
    }

    public String getFinishedAt() {
        return finishedAt;
    }

    public void setFinishedAt(String finishedAt) {
        this.finishedAt = finishedAt;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public List<TimelineEntry> getTimeline() {
        return timeline;
    }

    public void setTimeline(List<TimelineEntry> timeline) {
        this.timeline = timeline;
    }

    public List<HypothesisVerdict> getHypotheses() {
        return hypotheses;
    }

    public void setHypotheses(List<HypothesisVerdict> hypotheses) {
        this.hypotheses = hypotheses;
    }

    public List<SwitchedField> getSwitched() {
        return switched;
    }

    public void setSwitched(List<SwitchedField> switched) {
        this.switched = switched;
    }

    public Map<String, Double> getStepStart() {
        return stepStart;
    }

    public void setStepStart(Map<String, Double> stepStart) {
        this.stepStart = stepStart;
    }

    public Map<String, Double> getLessonStart() {
        return lessonStart;
    }

    public void setLessonStart(Map<String, Double> lessonStart) {
        this.lessonStart = lessonStart;
    }

    public Map<String, Map<String, Double>> getStepEnds() {
        return stepEnds;
    }

    public void setStepEnds(Map<String, Map<String, Double>> stepEnds) {
        this.stepEnds = stepEnds;
    }

    public Long getPredictedDuplicates() {
        return predictedDuplicates;
    }

    public void setPredictedDuplicates(Long predictedDuplicates) {
        this.predictedDuplicates = predictedDuplicates;
    }

    public List<LessonRunRecord> getHistory() {
        return history;
    }

    public void setHistory(List<LessonRunRecord> history) {
        this.history = history;
    }
}

package dev.interactiondemo.api.lesson;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A hypothesis's verdict with its evidence, and what the check has seen so far. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HypothesisVerdict {

    @JsonPropertyDescription("The step whose hypothesis it is (expect, until); unset for the lesson's own hypotheses.")
    private String step;

    @JsonPropertyDescription("The hypothesis in words, e.g. 'lost equal 0 at the end'.")
    private String hypothesis;

    @JsonPropertyDescription("What it means, in the learner's words.")
    private String says;

    @JsonPropertyDescription("Checking, Passed, Failed or Inconclusive.")
    private Verdict verdict;

    @JsonPropertyDescription("The numbers seen and when.")
    private String evidence;

    @JsonPropertyDescription("When the verdict was reached.")
    private String at;

    @JsonPropertyDescription("The figure at the first reading of the check.")
    private Double first;

    @JsonPropertyDescription("The smallest reading of the figure during the check.")
    private Double min;

    @JsonPropertyDescription("The largest reading.")
    private Double max;

    @JsonPropertyDescription("The latest reading.")
    private Double last;

    @JsonPropertyDescription("How many readings the check has seen.")
    private Integer readings;

    public String getStep() {
        return step;
    }

    public void setStep(String step) {
        this.step = step;
    }

    public String getHypothesis() {
        return hypothesis;
    }

    public void setHypothesis(String hypothesis) {
        this.hypothesis = hypothesis;
    }

    public String getSays() {
        return says;
    }

    public void setSays(String says) {
        this.says = says;
    }

    public Verdict getVerdict() {
        return verdict;
    }

    public void setVerdict(Verdict verdict) {
        this.verdict = verdict;
    }

    public String getEvidence() {
        return evidence;
    }

    public void setEvidence(String evidence) {
        this.evidence = evidence;
    }

    public String getAt() {
        return at;
    }

    public void setAt(String at) {
        this.at = at;
    }

    public Double getFirst() {
        return first;
    }

    public void setFirst(Double first) {
        this.first = first;
    }

    public Double getMin() {
        return min;
    }

    public void setMin(Double min) {
        this.min = min;
    }

    public Double getMax() {
        return max;
    }

    public void setMax(Double max) {
        this.max = max;
    }

    public Double getLast() {
        return last;
    }

    public void setLast(Double last) {
        this.last = last;
    }

    public Integer getReadings() {
        return readings;
    }

    public void setReadings(Integer readings) {
        this.readings = readings;
    }
}

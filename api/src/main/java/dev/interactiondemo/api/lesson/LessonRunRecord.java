package dev.interactiondemo.api.lesson;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A finished run of a lesson, as status.history keeps it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LessonRunRecord {

    @JsonPropertyDescription("Which run (spec.runs when it started).")
    private Integer run;

    @JsonPropertyDescription("How it ended: Passed, Failed or Aborted.")
    private LessonPhase phase;

    private String startedAt;

    private String finishedAt;

    @JsonPropertyDescription("Its verdicts in one line, e.g. '5 passed, 1 failed: lost equal 0 at the end'.")
    private String summary;

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

    public String getSummary() {
        return summary;
    }

    public void setSummary(String summary) {
        this.summary = summary;
    }
}

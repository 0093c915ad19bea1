package io.plmwb.experiments.schedule;

/** A schedule spec that cannot be parsed; the message quotes the spec part at fault and says what was expected. */
public final class ScheduleSpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ScheduleSpecException(String message) {
        super(message);
    }
}

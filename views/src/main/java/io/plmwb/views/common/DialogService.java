package io.plmwb.views.common;

/**
 * How ViewModels talk to the user beyond their properties: errors, information and yes/no questions. Injected into
 * every ViewModel (the app passes {@link Dialogs#service()}, which shows JavaFX alerts; tests pass a recording one),
 * so no ViewModel touches {@code javafx.scene}.
 */
public interface DialogService {

    /** How serious a message is. */
    enum Level { ERROR, WARNING, INFORMATION }

    /** A message for the user: level, a headline (what failed) and the reason (the human message). */
    record UserMessage(Level level, String headline, String reason, Throwable cause) {
    }

    /** Shows a message (non-blocking). */
    void show(UserMessage message);

    /**
     * Asks a yes/no question ("Replace the open comparison?"); true to go on. Called on the FX thread; blocks until
     * answered.
     */
    boolean confirm(String headline, String question);

    /** Shows an error: {@code what} failed because of {@code error}. */
    default void error(String what, Throwable error) {
        show(new UserMessage(Level.ERROR, what, reason(error), error));
    }

    /** Shows an error with a reason written out. */
    default void error(String what, String reason) {
        show(new UserMessage(Level.ERROR, what, reason, null));
    }

    /** Shows information. */
    default void info(String headline, String text) {
        show(new UserMessage(Level.INFORMATION, headline, text, null));
    }

    /** The most useful one-line reason of an exception chain. */
    static String reason(Throwable error) {
        if (error == null) {
            return "unknown error";
        }
        Throwable t = error;
        while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank()
                || t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.lang.reflect.InvocationTargetException)) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}

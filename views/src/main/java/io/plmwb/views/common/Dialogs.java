package io.plmwb.views.common;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Consumer;
import javafx.scene.control.Alert;
import javafx.scene.control.TextArea;
import javafx.stage.Window;

/**
 * How errors reach the user: an alert that says what failed and why, with the technical detail folded away. Tests
 * replace the sink to capture messages instead of opening windows.
 */
public final class Dialogs {

    private static Consumer<UserMessage> sink = Dialogs::showAlert;
    private static Window owner;

    private Dialogs() {
    }

    /** A message for the user: level, a headline (what failed) and the reason. */
    public record UserMessage(Alert.AlertType level, String headline, String reason, Throwable cause) {
    }

    /** The window that owns alerts. */
    public static void setOwner(Window window) {
        owner = window;
    }

    /** Replaces where messages go (tests). */
    public static void setSink(Consumer<UserMessage> newSink) {
        sink = newSink == null ? Dialogs::showAlert : newSink;
    }

    /** Shows an error: {@code what} failed because of {@code error}. */
    public static void error(String what, Throwable error) {
        sink.accept(new UserMessage(Alert.AlertType.ERROR, what, reason(error), error));
    }

    /** Shows an error with a reason written out. */
    public static void error(String what, String reason) {
        sink.accept(new UserMessage(Alert.AlertType.ERROR, what, reason, null));
    }

    /** Shows information. */
    public static void info(String headline, String text) {
        sink.accept(new UserMessage(Alert.AlertType.INFORMATION, headline, text, null));
    }

    /** The most useful one-line reason of an exception chain. */
    public static String reason(Throwable error) {
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

    private static void showAlert(UserMessage m) {
        Alert alert = new Alert(m.level());
        if (owner != null) {
            alert.initOwner(owner);
        }
        alert.setTitle(m.level() == Alert.AlertType.ERROR ? "Error" : "PLM Workbench");
        alert.setHeaderText(m.headline());
        alert.setContentText(m.reason());
        alert.getDialogPane().setMinWidth(520);
        if (m.cause() != null) {
            StringWriter trace = new StringWriter();
            m.cause().printStackTrace(new PrintWriter(trace));
            TextArea details = new TextArea(trace.toString());
            details.setEditable(false);
            details.setWrapText(false);
            details.setPrefRowCount(12);
            alert.getDialogPane().setExpandableContent(details);
        }
        alert.show();
    }
}

package io.plmwb.views.common;

import io.plmwb.views.common.DialogService.UserMessage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Consumer;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.TextArea;
import javafx.stage.Window;

/**
 * The JavaFX {@link DialogService}: an alert that leads with what failed and why, the technical detail folded away.
 * Tests replace the sink to capture messages (and set the answer to questions) instead of opening windows.
 * ViewModels receive {@link #service()} through their constructors; Views may call the static helpers.
 */
public final class Dialogs {

    private static Consumer<UserMessage> sink;
    private static boolean testAnswer = true;
    private static Window owner;

    private static final DialogService SERVICE = new DialogService() {
        @Override
        public void show(UserMessage message) {
            Consumer<UserMessage> s = sink;
            if (s != null) {
                s.accept(message);
            } else {
                showAlert(message);
            }
        }

        @Override
        public boolean confirm(String headline, String question) {
            Consumer<UserMessage> s = sink;
            if (s != null) {
                s.accept(new UserMessage(Level.WARNING, headline, question, null));
                return testAnswer;
            }
            Alert alert = new Alert(Alert.AlertType.CONFIRMATION, question, ButtonType.OK, ButtonType.CANCEL);
            if (owner != null) {
                alert.initOwner(owner);
            }
            alert.setTitle("PLM Workbench");
            alert.setHeaderText(headline);
            return alert.showAndWait().filter(b -> b == ButtonType.OK).isPresent();
        }
    };

    private Dialogs() {
    }

    /** The service the app gives every ViewModel. */
    public static DialogService service() {
        return SERVICE;
    }

    /** The window that owns alerts. */
    public static void setOwner(Window window) {
        owner = window;
    }

    /** Replaces where messages go (tests); null restores the alerts. */
    public static void setSink(Consumer<UserMessage> newSink) {
        sink = newSink;
    }

    /** What {@link DialogService#confirm} answers while a sink is set (tests; default yes). */
    public static void setTestAnswer(boolean answer) {
        testAnswer = answer;
    }

    /** Shows an error: {@code what} failed because of {@code error}. */
    public static void error(String what, Throwable error) {
        SERVICE.error(what, error);
    }

    /** Shows an error with a reason written out. */
    public static void error(String what, String reason) {
        SERVICE.error(what, reason);
    }

    /** Shows information. */
    public static void info(String headline, String text) {
        SERVICE.info(headline, text);
    }

    /** The most useful one-line reason of an exception chain. */
    public static String reason(Throwable error) {
        return DialogService.reason(error);
    }

    private static void showAlert(UserMessage m) {
        Alert alert = new Alert(switch (m.level()) {
            case ERROR -> Alert.AlertType.ERROR;
            case WARNING -> Alert.AlertType.WARNING;
            case INFORMATION -> Alert.AlertType.INFORMATION;
        });
        if (owner != null) {
            alert.initOwner(owner);
        }
        alert.setTitle(m.level() == DialogService.Level.ERROR ? "Error" : "PLM Workbench");
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

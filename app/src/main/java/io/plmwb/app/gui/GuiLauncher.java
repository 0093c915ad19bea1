package io.plmwb.app.gui;

import javafx.application.Application;

/**
 * Starts the JavaFX application from a plain {@code java -cp} launch (the Application class itself cannot be the
 * main class on the classpath) and turns a missing display or missing native libraries into a clear message.
 */
public final class GuiLauncher {

    /** The Debian packages JavaFX needs at run time. */
    public static final String APT_LINE = "apt-get install -y libgtk-3-0 libxtst6 libxxf86vm1 libgl1";

    private GuiLauncher() {
    }

    /** Runs the GUI until its window closes; returns the process exit code. */
    public static int launch() {
        String display = System.getenv("DISPLAY");
        String wayland = System.getenv("WAYLAND_DISPLAY");
        if ((display == null || display.isBlank()) && (wayland == null || wayland.isBlank())
                && !"Monocle".equals(System.getProperty("glass.platform"))) {
            System.err.println("workbench: no display to open the window on (DISPLAY is not set).");
            System.err.println("  Run it in a desktop session, or headless with:  xvfb-run -a ./workbench");
            System.err.println("  The command line works without a display:     ./workbench --help");
            return 1;
        }
        try {
            Application.launch(WorkbenchApp.class);
            return 0;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            missingNatives(e);
            return 1;
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            if (root instanceof UnsatisfiedLinkError || String.valueOf(root.getMessage()).contains("Unable to open")
                    || String.valueOf(root.getMessage()).contains("toolkit")) {
                missingNatives(root);
                return 1;
            }
            throw e;
        }
    }

    private static void missingNatives(Throwable e) {
        System.err.println("workbench: JavaFX could not start: " + e.getMessage());
        System.err.println("  If native libraries are missing, install them with:");
        System.err.println("    sudo " + APT_LINE);
    }
}

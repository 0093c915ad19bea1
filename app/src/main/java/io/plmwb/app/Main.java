package io.plmwb.app;

import io.plmwb.app.cli.WorkbenchCli;
import io.plmwb.app.gui.GuiLauncher;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one entry point: with no arguments it starts the desktop app, with a subcommand the headless CLI
 * ({@code ./workbench --help}). Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input.
 *
 * <p>The CLI runs on a thread with a large stack: ONNX Runtime's environment creation recurses in proportion to the
 * length of the process's command line, and on the 1 MB main-thread stack a command line of ~3.7 KB (a long
 * {@code --prompt}) ended the JVM with SIGSEGV.
 */
public final class Main {

    /** Stack of the CLI thread: enough for a command line of several MB (only touched pages are committed). */
    public static final long CLI_STACK_BYTES = 1L << 30;

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        io.plmwb.engine.Ort.prepareNatives(); // before any ONNX Runtime class loads: nothing left in the temp folder
        io.plmwb.engine.runtime.OrtShutdown.installSignalHandlers(); // SIGTERM/Ctrl+C: sessions closed before ORT
        if (args.length == 0) {
            System.exit(GuiLauncher.launch());
        }
        AtomicInteger code = new AtomicInteger(1);
        Thread cli = new Thread(null, () -> code.set(WorkbenchCli.execute(args)), "workbench-cli", CLI_STACK_BYTES);
        cli.start();
        cli.join();
        if (io.plmwb.engine.runtime.OrtShutdown.isStopping()) {
            // a SIGTERM/Ctrl+C is closing the sessions: its thread exits the JVM with 143/130, not the command's code
            Thread.sleep(io.plmwb.engine.runtime.OrtShutdown.WAIT_MS + 5_000);
        }
        System.exit(code.get());
    }
}

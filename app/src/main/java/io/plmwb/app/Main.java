package io.plmwb.app;

import io.plmwb.app.cli.WorkbenchCli;
import io.plmwb.app.gui.GuiLauncher;

/**
 * The one entry point: with no arguments it starts the desktop app, with a subcommand the headless CLI
 * ({@code ./workbench --help}). Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.exit(GuiLauncher.launch());
        }
        System.exit(WorkbenchCli.execute(args));
    }
}

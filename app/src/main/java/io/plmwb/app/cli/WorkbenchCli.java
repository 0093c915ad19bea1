package io.plmwb.app.cli;

import io.plmwb.engine.EngineInfo;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.experiments.open.UnopenablePathException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The headless command line: the same services as the GUI, one subcommand per capability. */
@Command(name = "workbench",
        mixinStandardHelpOptions = true,
        versionProvider = WorkbenchCli.Versions.class,
        resourceBundle = "io.plmwb.app.cli.OptionTexts",
        description = {
            "PLM Workbench: a research workbench for the Peripheral Language Model family.",
            "Without arguments ./workbench starts the desktop app; with a subcommand it runs headless.",
            "Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input."},
        subcommands = {
            InfoCommand.class,
            ChartCommand.class,
            SynthCommand.class,
            LogitsCommand.class,
            GenerateCommand.class,
            BenchCommand.class,
            KvCommand.class,
            SparsityCommand.class,
            SparsityBenchCommand.class,
            RoundsCommand.class,
            ScheduleCommand.class,
            ReplayCommand.class,
            BenchLogsCommand.class,
            QuantizeCommand.class,
            VariantsCommand.class,
            KernelsCommand.class,
            LatencyCommand.class,
            CommandLine.HelpCommand.class})
public final class WorkbenchCli implements Runnable {

    /** Exit code for bad usage or unusable input. */
    public static final int BAD_INPUT = 2;
    /** Exit code for a failure while running. */
    public static final int FAILURE = 1;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the CLI and returns the exit code (does not exit the JVM). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The configured picocli command line (tests use it to capture output). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new WorkbenchCli());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            boolean badInput = isBadInput(ex);
            err.println("workbench " + cmd.getCommandName() + ": error: " + message(ex));
            if (!badInput && Boolean.getBoolean("plmwb.debug")) {
                ex.printStackTrace(err);
            }
            err.flush();
            return badInput ? BAD_INPUT : FAILURE;
        });
        return cl;
    }

    static boolean isBadInput(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof BadInputException || t instanceof ModelFormatException
                    || t instanceof io.plmwb.engine.runtime.InsufficientMemoryException
                    || t instanceof UnopenablePathException || t instanceof IllegalArgumentException
                    || t instanceof java.nio.file.NoSuchFileException
                    || t instanceof io.plmwb.engine.runtime.NonFiniteLogitsException
                    || t instanceof io.plmwb.engine.io.AtomicFiles.TargetExistsException
                    || t instanceof io.plmwb.experiments.chart.ChartExportException ce && ce.isTargetExists()) {
                return true;
            }
        }
        return false;
    }

    static String message(Throwable ex) {
        Throwable t = ex;
        while ((t.getMessage() == null || t.getMessage().isBlank()) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** {@code --version}: the versions actually loaded. */
    static final class Versions implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return EngineInfo.versions().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue())
                    .toArray(String[]::new);
        }
    }
}

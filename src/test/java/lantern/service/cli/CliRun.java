package lantern.service.cli;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs a command in-process as the CLI would, asserts exit code 0 and returns what it printed on standard output. */
final class CliRun {
    private CliRun() {
    }

    static String run(Object command, String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            int rc = new CommandLine(command).execute(args);
            assertThat(rc).as(out.toString()).isZero();
        } finally {
            System.setOut(old);
        }
        return out.toString();
    }
}

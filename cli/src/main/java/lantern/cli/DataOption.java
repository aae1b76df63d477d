package lantern.cli;

import picocli.CommandLine;

import java.nio.file.Path;

/**
 * {@code --data DIR}, shared by every command (a picocli mixin). The launcher also hands it to the app as
 * {@code lantern.data-dir} before start, so the services a command calls read the same folder.
 */
public class DataOption {
    @CommandLine.Option(names = "--data", defaultValue = "${sys:lantern.data-dir:-${env:LANTERN_DATA:-./lantern-data}}",
            description = "Data folder (default: ${DEFAULT-VALUE}; LANTERN_DATA).")
    Path data;

    public Path path() {
        return data;
    }
}

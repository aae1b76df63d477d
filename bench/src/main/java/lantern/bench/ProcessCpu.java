package lantern.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's CPU time split into user and system time (Linux {@code /proc/self/stat}, clock ticks of 10 ms), so a
 * bench can say what a phase cost in CPU, all threads together (libtorch's included), apart from the wall time a
 * shared machine stretches. System time is mostly page faults: fresh native memory touched for the first time.
 */
record ProcessCpu(double userSeconds, double systemSeconds) {
    static final ProcessCpu NONE = new ProcessCpu(0, 0);

    /** Now, or {@link #NONE} where {@code /proc/self/stat} is missing (not Linux). */
    static ProcessCpu now() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // the command name (field 2) may hold spaces: fields are counted after its closing parenthesis
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14 (utime) and 15 (stime) of the whole line are 11 and 12 after the name
            return new ProcessCpu(Long.parseLong(f[11]) / 100.0, Long.parseLong(f[12]) / 100.0);
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    ProcessCpu minus(ProcessCpu earlier) {
        return new ProcessCpu(userSeconds - earlier.userSeconds, systemSeconds - earlier.systemSeconds);
    }

    ProcessCpu plus(ProcessCpu other) {
        return new ProcessCpu(userSeconds + other.userSeconds, systemSeconds + other.systemSeconds);
    }

    @Override
    public String toString() {
        return String.format("CPU %.2f s (user %.2f, system %.2f)", userSeconds + systemSeconds, userSeconds, systemSeconds);
    }
}

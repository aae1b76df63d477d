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
        String[] f = statFields();
        // fields 14 (utime) and 15 (stime) of the whole line are 11 and 12 after the name
        return f == null ? NONE : new ProcessCpu(Long.parseLong(f[11]) / 100.0, Long.parseLong(f[12]) / 100.0);
    }

    /**
     * Major page faults of the process so far (all threads): pages that had to be read from disk, such as a memory-mapped
     * index file's pages the page cache no longer held; -1 where {@code /proc/self/stat} is missing.
     */
    static long majorFaults() {
        String[] f = statFields();
        return f == null ? -1 : Long.parseLong(f[9]); // field 12 (majflt) of the whole line is 9 after the name
    }

    /** The fields of {@code /proc/self/stat} after the command name, or null where it cannot be read. */
    private static String[] statFields() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // the command name (field 2) may hold spaces: fields are counted after its closing parenthesis
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return f.length > 12 ? f : null;
        } catch (IOException | RuntimeException e) {
            return null;
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

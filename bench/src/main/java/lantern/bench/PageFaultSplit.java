package lantern.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The searches of one bench mode split by whether they read index pages from disk (major page faults) or not. */
final class PageFaultSplit {
    private PageFaultSplit() {}

    /**
     * Whether a mode's tail is the page cache: how many searches had to read index pages from disk (major faults) and
     * the latency of the searches with and without them. An index larger than the page cache shows it here.
     */
    static void print(long[] wall, long[] faults) {
        List<Long> with = new ArrayList<>(), without = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < wall.length; i++) {
            total += faults[i];
            (faults[i] > 0 ? with : without).add(wall[i]);
        }
        System.out.printf(Locale.ROOT, "    major page faults: %.2f a search; %d of %d searches read from disk%s%s%n",
                total / (double) wall.length, with.size(), wall.length, latency(" (wall p50 / p99 %.2f / %.2f ms)", with),
                latency("; the others wall p50 / p99 %.2f / %.2f ms", without));
    }

    private static String latency(String format, List<Long> ns) {
        if (ns.isEmpty()) return "";
        long[] a = ns.stream().mapToLong(Long::longValue).toArray();
        return String.format(Locale.ROOT, format, BenchSearchCommand.pct(a, 50), BenchSearchCommand.pct(a, 99));
    }
}

package lantern.service;

import lantern.eval.audit.LlmPrices;
import lantern.eval.audit.SpendGuard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * The service-wide daily cap: tokens (and cost) that all audits spent today (UTC), kept in
 * {@code {dataDir}/budget/spent-YYYY-MM-DD.txt} (temporary file, fsync, rename) so a restart does not reset it.
 */
public final class DailySpend implements SpendGuard {
    private final Path dir;
    private final Long maxTokens;
    private final Double maxCost;
    private final LlmPrices prices;
    private final Clock clock;
    private LocalDate day;
    private long in, out;

    public DailySpend(Path dir, Long maxTokens, Double maxCost, LlmPrices prices, Clock clock) {
        this.dir = dir;
        this.maxTokens = maxTokens;
        this.maxCost = maxCost;
        this.prices = prices;
        this.clock = clock;
    }

    @Override
    public synchronized String refusal() {
        roll();
        if (maxTokens != null && in + out >= maxTokens) {
            return "the service's daily token cap is reached: " + (in + out) + " of lantern.budget.daily-max-tokens = " + maxTokens
                    + " spent today (UTC); resume tomorrow or raise the cap";
        }
        if (maxCost != null && prices != null && prices.cost(in, out) >= maxCost) {
            return "the service's daily cost cap is reached: " + String.format(Locale.ROOT, "%.4f", prices.cost(in, out))
                    + " of lantern.budget.daily-max-cost = " + maxCost + " spent today (UTC)";
        }
        return null;
    }

    @Override
    public synchronized void spent(long inputTokens, long outputTokens) {
        if (inputTokens == 0 && outputTokens == 0) return;
        roll();
        in += inputTokens;
        out += outputTokens;
        save();
    }

    public synchronized long tokensToday() {
        roll();
        return in + out;
    }

    private void roll() {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        if (today.equals(day)) return;
        day = today;
        in = 0;
        out = 0;
        Path f = file();
        if (Files.isRegularFile(f)) {
            try {
                String[] parts = Files.readString(f, StandardCharsets.UTF_8).strip().split("\\s+");
                in = Long.parseLong(parts[0]);
                out = Long.parseLong(parts[1]);
            } catch (IOException | RuntimeException e) {
                // unreadable: count from zero rather than refuse all work; the next save replaces it
            }
        }
    }

    private Path file() {
        return dir.resolve("spent-" + day + ".txt");
    }

    private void save() {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(".spent.tmp");
            Files.writeString(tmp, in + " " + out + "\n", StandardCharsets.UTF_8);
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                c.force(true);
            }
            Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record today's LLM spend in " + dir, e);
        }
    }
}

package lantern.service.cli;

import lantern.cli.ProgressBar;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressBarTest {
    @Test
    void oneLineForAnyUnit() {
        assertThat(ProgressBar.line("train", 5, 20, "steps", 2.5, 6, "loss 1.000"))
                .isEqualTo("train            [########......................]  25.0% 5/20 steps      2.5 steps/s ETA 0:00:06 loss 1.000");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        bar.update("audit", 40, 100, "features", "(0 failed)"); // resumed at 40: the rate counts from here
        bar.update("audit", 100, 100, "features", "(1 failed)");
        bar.finish();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("100/100 features").contains("(1 failed)").endsWith(System.lineSeparator());
    }
}

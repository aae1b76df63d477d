package lantern.service.cli;

import lantern.core.LayerSpec;
import lantern.core.Models;
import lantern.api.ActivationRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CollectCliTest {
    @Test
    void layerSpecs() {
        assertThat(LayerSpec.parse("0-5", 6)).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(LayerSpec.parse("1,3", 6)).containsExactly(1, 3);
        assertThat(LayerSpec.parse("2, 4-5", 6)).containsExactly(2, 4, 5);
        assertThat(LayerSpec.parse(null, 3)).containsExactly(0, 1, 2);
        assertThatThrownBy(() -> LayerSpec.parse("a-b", 6)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LayerSpec.parse("5-2", 6)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Models.encoder("gpt-9")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minilm-l6");
    }

    @Test
    void checkpointOptions() {
        CollectCommand c = new CollectCommand();
        new picocli.CommandLine(c).parseArgs("--checkpoint-seconds", "5", "--restart");
        assertThat(c.checkpointSeconds).isEqualTo(5);
        assertThat(c.restart).isTrue();
        CollectCommand defaults = new CollectCommand();
        new picocli.CommandLine(defaults).parseArgs();
        assertThat(defaults.checkpointSeconds).isEqualTo(60);
        assertThat(defaults.restart).isFalse();

        // a bad value is refused before the model is loaded
        java.io.StringWriter err = new java.io.StringWriter();
        int code = new picocli.CommandLine(new CollectCommand()).setErr(new java.io.PrintWriter(err))
                .execute("--checkpoint-seconds", "-1", "--model", "no-such-model");
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("checkpoint seconds must be >= 0").doesNotContain("no-such-model");
    }

    @Test
    void rendersWordPiecesWithMarkersOrColour() {
        ActivationRecord r = new ActivationRecord(List.of("the", "air", "##port", "is", "new"), new float[] {0f, 2f, 1f, 0.1f, -0.1f});
        assertThat(ShowCommand.render(r, 2f, false)).isEqualTo("the [[air]][[port]] is new");
        String ansi = ShowCommand.render(r, 2f, true);
        assertThat(ansi).contains("\u001b[48;5;46mair\u001b[0m").startsWith("the ").endsWith(" new");
        assertThat(ansi.replaceAll("\u001b\\[[0-9;]*m", "")).isEqualTo("the airport is new");
    }
}

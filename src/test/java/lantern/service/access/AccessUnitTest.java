package lantern.service.access;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessUnitTest {
    @Test
    void nonLoopbackBindWithoutAKeyIsRefused() {
        assertThat(OpenBindGuard.refusal("0.0.0.0", true, false, false)).contains("refusing to serve on 0.0.0.0")
                .contains("LANTERN_API_KEY").contains("lantern.allow-open");
        assertThat(OpenBindGuard.refusal("192.168.1.20", true, false, false)).isNotNull();
        assertThat(OpenBindGuard.refusal("::", true, false, false)).isNotNull();
        // a key, an explicit allow-open, a loopback address or no HTTP at all (CLI jobs) let it start
        assertThat(OpenBindGuard.refusal("0.0.0.0", true, true, false)).isNull();
        assertThat(OpenBindGuard.refusal("0.0.0.0", true, false, true)).isNull();
        assertThat(OpenBindGuard.refusal("0.0.0.0", false, false, false)).isNull();
        for (String h : new String[]{"127.0.0.1", "127.0.1.1", "localhost", "::1", "[::1]"}) {
            assertThat(OpenBindGuard.refusal(h, true, false, false)).as(h).isNull();
        }
    }

    @Test
    void keysFromFileWithGrants(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("keys");
        Files.writeString(f, "# team keys\nalpha-key\nbeta-key read-only   # dashboards\n\ngamma-key full\n");
        ApiKeys keys = ApiKeys.of(Optional.of("env-key"), Optional.empty(), Optional.of(f));
        assertThat(keys.size()).isEqualTo(4);
        assertThat(keys.check("alpha-key")).isEqualTo(ApiKeys.Grant.FULL);
        assertThat(keys.check("beta-key")).isEqualTo(ApiKeys.Grant.READ_ONLY);
        assertThat(keys.check("gamma-key")).isEqualTo(ApiKeys.Grant.FULL);
        assertThat(keys.check("env-key")).isEqualTo(ApiKeys.Grant.FULL);
        assertThat(keys.check("alpha-ke")).isEqualTo(ApiKeys.Grant.NONE);
        assertThat(keys.check("")).isEqualTo(ApiKeys.Grant.NONE);
        assertThat(keys.check(null)).isEqualTo(ApiKeys.Grant.NONE);
        assertThat(ApiKeys.of(Optional.of("  "), Optional.empty(), Optional.empty()).isEmpty()).isTrue();
    }

    @Test
    void aBadKeysFileLineIsRefusedWithoutEchoingIt(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("keys");
        Files.writeString(f, "secret-one admin\n");
        assertThatThrownBy(() -> ApiKeys.of(Optional.empty(), Optional.empty(), Optional.of(f)))
                .hasMessageContaining("line 1").hasMessageNotContaining("secret-one");
    }
}

package lantern.service.spark;

import lantern.errors.InvalidInputException;
import lantern.errors.UnavailableException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The app side of the Spark engine without Spark: a clear error naming the build command when spark/ is not built,
 * and engine names checked. (The driver itself is tested in spark/, which the root's verify runs.)
 */
class SparkDriverProcessTest {
    @Test
    void anUnbuiltEngineSaysWhatToRun(@org.junit.jupiter.api.io.TempDir Path dir) {
        assertThatThrownBy(() -> SparkDriverProcess.start(dir.resolve("spark-home"), "local[1]", dir, "256m", Map.of(), Map.of(),
                Duration.ofSeconds(5)))
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("driver.args is missing")
                .hasMessageContaining("./mvnw -B -f spark/pom.xml package -DskipTests");
    }

    @Test
    void onlyLocalAndSparkAreEngines() {
        SparkEngine engine = new SparkEngine();
        assertThatThrownBy(() -> engine.use("gpu", null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("use local or spark");
        engine.use("Spark", "spark://127.0.0.1:7077");
        assertThat(engine.enabled()).isTrue();
        assertThat(engine.master()).isEqualTo("spark://127.0.0.1:7077");
        engine.use("local", null);
        assertThat(engine.enabled()).isFalse();
    }
}

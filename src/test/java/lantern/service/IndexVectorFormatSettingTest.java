package lantern.service;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import lantern.index.IndexStorage;
import lantern.index.SearchQuery;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lantern.index.vector-format=int8}: the service's index writes quantized vectors, memory-mapped, and finds by them. */
@QuarkusTest
@TestProfile(IndexVectorFormatSettingTest.Int8.class)
class IndexVectorFormatSettingTest {
    public static class Int8 implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lantern.data-dir", "target/index-int8-data", "lantern.index.vector-format", "int8");
        }
    }

    @Inject
    SearchService search;

    @Test
    void theSettingReachesTheServicesIndex() {
        long seq = search.put("minilm-l6/2/mlp/7", "plural nouns such as 'cats' and 'dogs'", "statistical", 0.6, null, null, null, List.of("cats"));
        search.index().commitThrough(seq);
        IndexStorage st = search.index().storage();
        assertThat(st.directory()).isEqualTo("MMapDirectory");
        assertThat(st.quantized()).isTrue();
        assertThat(st.offHeapVectorBytes()).containsKey("veq");
        var hits = search.search(new SearchQuery("animals in the plural", null, null, null, null, null, 0, 5)).hits();
        assertThat(hits).extracting(h -> h.featureId()).contains("minilm-l6/2/mlp/7");
    }
}

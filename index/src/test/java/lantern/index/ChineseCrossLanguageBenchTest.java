package lantern.index;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The pieces of the cross-language bench that decide what is indexed and what counts as relevant. */
class ChineseCrossLanguageBenchTest {
    @Test
    void aBilingualLabelIsCutIntoItsTwoHalves() {
        String label = "句首字，如「白」「春」 / the first character of a line, such as '白', '春'";
        assertThat(ChineseCrossLanguageBench.chineseHalf(label)).isEqualTo("句首字，如「白」「春」");
        assertThat(ChineseCrossLanguageBench.englishHalf(label)).isEqualTo("the first character of a line, such as '白', '春'");
        assertThat(ChineseCrossLanguageBench.chineseHalf("表示時間的字")).isEqualTo("表示時間的字");
    }

    @Test
    void aCharacterQueryFindsItsCharacterInEitherScript() {
        var label = ChineseCrossLanguageBench.withCharacters("「雲」「山」等字", Set.of(), List.of("雲", "山"));
        assertThat(label.predicates()).containsExactlyInAnyOrder("CHAR:云", "CHAR:山");
        var cloud = new ChineseAnalysisBench.Ask("cloud", Set.of(ChineseCrossLanguageBench.character("云")));
        var moon = new ChineseAnalysisBench.Ask("moon", Set.of(ChineseCrossLanguageBench.character("月")));
        assertThat(ChineseCrossLanguageBench.relevantIn(List.of(label), cloud)).isEqualTo(1);
        assertThat(ChineseCrossLanguageBench.relevantIn(List.of(label), moon)).isZero();
    }
}

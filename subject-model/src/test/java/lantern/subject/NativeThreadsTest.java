package lantern.subject;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** libtorch's intra-op threads as an audit worker sets them: on its own thread, read back from libtorch. */
class NativeThreadsTest {
    @Test
    void aThreadSetsItsOwnLibtorchThreads() throws Exception {
        int before = NativeThreads.get();
        try {
            assertThat(onNewThread(1)).isEqualTo(1);
            assertThat(onNewThread(2)).isEqualTo(2);
            assertThatThrownBy(() -> NativeThreads.set(0)).hasMessageContaining("at least 1");
        } finally {
            NativeThreads.set(before);
        }
    }

    private static int onNewThread(int threads) throws InterruptedException {
        AtomicInteger seen = new AtomicInteger(-1);
        Thread t = Thread.ofPlatform().start(() -> {
            NativeThreads.set(threads);
            seen.set(NativeThreads.get());
        });
        t.join();
        return seen.get();
    }
}

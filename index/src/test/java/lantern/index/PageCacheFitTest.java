package lantern.index;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PageCacheFitTest {
    private static final long GB = 1_000_000_000L;

    @Test
    void anIndexThatFitsBesideTheHeapGivesNoWarning() {
        PageCacheFit fit = new PageCacheFit(2 * GB, 24 * GB, 8 * GB);
        assertTrue(fit.fits());
        assertEquals(24 * GB - 8 * GB - PageCacheFit.RESERVE_BYTES, fit.cacheBytes());
        assertTrue(fit.warning().isEmpty());
    }

    @Test
    void anIndexLargerThanWhatTheHeapLeavesIsWarnedAboutWithItsSizes() {
        // session 12's 10M int8 index on the 24 GiB machine with the launcher's 8 GiB heap
        PageCacheFit fit = new PageCacheFit(20_990_000_000L, 24_670_000_000L, 8_590_000_000L);
        assertFalse(fit.fits());
        String w = fit.warning().orElseThrow();
        assertTrue(w.contains("20.99 GB"), w);
        assertTrue(w.contains("24.67 GB"), w);
        assertTrue(w.contains("8.59 GB"), w);
        assertTrue(w.contains("LANTERN_HEAP"), w);
        // a smaller heap leaves room for it
        assertTrue(new PageCacheFit(20_990_000_000L, 24_670_000_000L, 2_000_000_000L).fits());
    }

    @Test
    void theBoundaryIsTheCacheLeftExactly() {
        long cache = 16 * GB - 4 * GB - PageCacheFit.RESERVE_BYTES;
        assertTrue(new PageCacheFit(cache, 16 * GB, 4 * GB).fits());
        assertFalse(new PageCacheFit(cache + 1, 16 * GB, 4 * GB).fits());
        assertEquals(0, new PageCacheFit(1, GB, GB).cacheBytes()); // a heap as large as memory leaves nothing
        assertFalse(new PageCacheFit(1, GB, GB).fits());
    }

    @Test
    void nonsenseSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PageCacheFit(-1, GB, 0));
        assertThrows(IllegalArgumentException.class, () -> new PageCacheFit(1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new PageCacheFit(1, GB, -1));
    }

    @Test
    void thisMachineIsSeenAsTheJvmSeesIt() {
        PageCacheFit fit = PageCacheFit.ofThisMachine(0);
        assertEquals(Runtime.getRuntime().maxMemory(), fit.maxHeapBytes());
        assertTrue(fit.memoryBytes() > 0);
    }
}

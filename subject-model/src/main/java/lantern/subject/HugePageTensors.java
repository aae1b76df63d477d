package lantern.subject;

import com.sun.jna.NativeLibrary;

import java.util.Locale;
import java.util.logging.Logger;

/**
 * Asks libtorch to put its large CPU tensors on transparent huge pages ({@code THP_MEM_ALLOC_ENABLE=1}, libtorch's own
 * switch: allocations of 2 MB and more are aligned to 2 MB and marked {@code MADV_HUGEPAGE}).
 *
 * <p>Why: a forward pass makes many temporaries of the activations' size (25 MB a layer for a batch of 32 × 64
 * tokens of GPT-2 small), and glibc hands many of them out as memory the kernel has never mapped, so each 4 KB page
 * faults and is zeroed on first write. In a collection that cost 3–10 s of system time in a 15 s pass (GPT-2-small
 * shape, 20,000 tokens, AMD EPYC, 2 cores; {@code ./lantern bench forward --shape gpt2-small}; docs/speed.md,
 * session 13); with huge pages, 0.7 s. libtorch reads the switch from the process environment once, at its first
 * allocation, so this sets it (libc's {@code setenv}) before libtorch loads; {@link MklDispatch#ensure()}, which
 * every path calls first, calls it. A value the user set is kept ({@code THP_MEM_ALLOC_ENABLE=0} turns it off), as
 * is {@code -Dlantern.thp-alloc=false} or {@code LANTERN_THP_ALLOC=false}. Results do not change: only where the
 * memory lies.
 */
public final class HugePageTensors {
    /** libtorch's environment variable. */
    public static final String VARIABLE = "THP_MEM_ALLOC_ENABLE";

    /** What {@link #ensure()} found. */
    public enum State {
        /** Set by this class: libtorch's large tensors go on huge pages. */
        ENABLED,
        /** The user's own value of {@code THP_MEM_ALLOC_ENABLE} is in place (whatever it says). */
        USER_VALUE,
        /** Turned off with {@code lantern.thp-alloc} / {@code LANTERN_THP_ALLOC}. */
        DISABLED,
        /** Not Linux, or libc's {@code setenv} could not be called. */
        UNAVAILABLE,
        /** libtorch was loaded before this ran: it keeps what the environment said then. */
        TOO_LATE
    }

    private static final Logger LOG = Logger.getLogger(HugePageTensors.class.getName());
    private static State state;

    private HugePageTensors() {
    }

    /** Sets the switch once per process when it applies; call before anything loads libtorch. */
    public static synchronized State ensure() {
        if (state == null) state = decide();
        return state;
    }

    private static State decide() {
        String setting = System.getProperty("lantern.thp-alloc", System.getenv().getOrDefault("LANTERN_THP_ALLOC", "true"));
        if (setting.equalsIgnoreCase("false") || setting.equalsIgnoreCase("off")) return State.DISABLED;
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) return State.UNAVAILABLE;
        try {
            if (nativeValue() != null) return State.USER_VALUE;
            if (MklDispatch.libtorchLoaded()) {
                LOG.warning("libtorch was loaded before HugePageTensors.ensure(): its tensors stay on small pages");
                return State.TOO_LATE;
            }
            int rc = NativeLibrary.getInstance("c").getFunction("setenv").invokeInt(new Object[]{VARIABLE, "1", 0});
            return rc == 0 ? State.ENABLED : State.UNAVAILABLE;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.info("cannot set " + VARIABLE + " (" + e.getMessage() + "): libtorch's tensors stay on small pages");
            return State.UNAVAILABLE;
        }
    }

    /** The variable's value in the native environment libtorch reads (not Java's copy of it), or null. */
    public static String nativeValue() {
        return NativeLibrary.getInstance("c").getFunction("getenv").invokeString(new Object[]{VARIABLE}, false);
    }
}

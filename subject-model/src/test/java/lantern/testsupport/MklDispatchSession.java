package lantern.testsupport;

import lantern.subject.MklDispatch;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Runs {@link MklDispatch#ensure()} when the test JVM starts, before any test loads libtorch, so the tests exercise
 * the same MKL kernels as the launcher does.
 */
public class MklDispatchSession implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        MklDispatch.ensure();
    }
}

package lantern.subject.decoder;

/** Token positions as users give them: 0-based, or negative to count from the end (-1 = last). */
public final class Positions {
    private Positions() {
    }

    public static int resolve(int position, int length, String what) {
        int p = position < 0 ? length + position : position;
        if (p < 0 || p >= length) {
            throw new lantern.errors.InvalidInputException(what + " position " + position + " is out of range for " + length
                    + " tokens (use 0.." + (length - 1) + ", or -" + length + "..-1 from the end)");
        }
        return p;
    }
}

package dev.cambium.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/** Random values biased towards edge cases and shared prefixes. */
final class Gen
{
    private static final long[] LONG_EDGES = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -256, -1, 0, 1, 255, 256,
        Long.MAX_VALUE - 1, Long.MAX_VALUE};
    private static final int[] INT_EDGES = {Integer.MIN_VALUE, -1, 0, 1, 0x7F, 0x80, 0xFF, Integer.MAX_VALUE};
    private static final String[] STRING_EDGES = {
        "", "\0", "\0\0", "a", "a\0", "a\0b", "ab", "b", "\u007F", "\u0080", "\u07FF", "\u0800", "\uD7FF",
        "\uE000", "\uFFFF", "\uD800\uDC00", "\uDBFF\uDFFF", "\uD83D\uDE00", "a\uD83D\uDE00", "a\uFFFF"};
    private static final UUID[] UUID_EDGES = {
        new UUID(0, 0), new UUID(-1, -1), new UUID(Long.MIN_VALUE, 0), new UUID(Long.MAX_VALUE, -1),
        new UUID(0, Long.MIN_VALUE), new UUID(0, Long.MAX_VALUE),
        UUID.fromString("ffffffff-0000-7000-8000-000000000000"),
        UUID.fromString("7fffffff-ffff-ffff-ffff-ffffffffffff")};

    private Gen()
    {
    }

    static long nextLong(final Random r)
    {
        switch (r.nextInt(4))
        {
            case 0:
                return LONG_EDGES[r.nextInt(LONG_EDGES.length)];
            case 1:
                return r.nextInt(7) - 3;
            default:
                return r.nextLong() >> r.nextInt(64);
        }
    }

    static int nextInt(final Random r)
    {
        switch (r.nextInt(4))
        {
            case 0:
                return INT_EDGES[r.nextInt(INT_EDGES.length)];
            case 1:
                return r.nextInt(7) - 3;
            default:
                return r.nextInt() >> r.nextInt(32);
        }
    }

    static UUID nextUuid(final Random r)
    {
        switch (r.nextInt(3))
        {
            case 0:
                return UUID_EDGES[r.nextInt(UUID_EDGES.length)];
            case 1:
                return new UUID(nextLong(r), nextLong(r));
            default:
                return new UUID(r.nextLong(), r.nextLong());
        }
    }

    /** A well-formed string drawn from edge cases or random code points of every UTF-8 length. */
    static String nextString(final Random r)
    {
        if (r.nextInt(3) == 0)
        {
            return STRING_EDGES[r.nextInt(STRING_EDGES.length)];
        }
        final StringBuilder sb = new StringBuilder();
        final int n = r.nextInt(6);
        for (int i = 0; i < n; i++)
        {
            final int cp;
            switch (r.nextInt(6))
            {
                case 0:
                    cp = r.nextInt(3);
                    break; // \0, \1, \2: escape edge cases
                case 1:
                    cp = 'a' + r.nextInt(3);
                    break; // shared prefixes
                case 2:
                    cp = 0x80 + r.nextInt(0x800 - 0x80);
                    break;
                case 3:
                    cp = 0xE000 + r.nextInt(0x2000);
                    break; // sorts differently from supplementary in UTF-16
                case 4:
                    cp = 0x10000 + r.nextInt(Character.MAX_CODE_POINT - 0xFFFF);
                    break;
                default:
                    final int any = r.nextInt(Character.MAX_CODE_POINT + 1);
                    cp = any >= Character.MIN_SURROGATE && any <= Character.MAX_SURROGATE ? 'z' : any;
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    static byte[] nextBytes(final Random r)
    {
        final byte[] b = new byte[r.nextInt(5)];
        for (int i = 0; i < b.length; i++)
        {
            // mostly 0x00, 0x01, 0xFE, 0xFF: the escape and terminator boundaries
            b[i] = r.nextInt(4) == 0 ? (byte)r.nextInt(256) : new byte[]{0, 1, (byte)0xFE, (byte)0xFF}[r.nextInt(4)];
        }
        return b;
    }

    static Object nextComponent(final Random r)
    {
        switch (r.nextInt(5))
        {
            case 0:
                return nextLong(r);
            case 1:
                return nextInt(r);
            case 2:
                return nextBytes(r);
            case 3:
                return nextUuid(r);
            default:
                return nextString(r);
        }
    }

    /** Tuples of 0-4 components, extending earlier tuples half of the time so that prefixes are shared. */
    static List<Tuple> tuples(final Random r, final int count)
    {
        final List<Tuple> out = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            Tuple t;
            if (!out.isEmpty() && r.nextBoolean())
            {
                final Tuple base = out.get(r.nextInt(out.size()));
                t = Tuple.EMPTY;
                final int keep = r.nextInt(base.size() + 1);
                for (int k = 0; k < keep; k++)
                {
                    t = t.append(base.get(k));
                }
            }
            else
            {
                t = Tuple.EMPTY;
            }
            final int extra = r.nextInt(4 - Math.min(3, t.size()) + 1);
            for (int k = 0; k < extra; k++)
            {
                t = t.append(nextComponent(r));
            }
            out.add(t);
        }
        return out;
    }
}

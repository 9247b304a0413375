package org.ddlab.distill;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NpyTest {

    /** .npy bytes with a hand-made header, as another writer might produce them. */
    static byte[] npy(int major, String dict, byte[] data) {
        int pre = major == 1 ? 10 : 12;
        int pad = (64 - (pre + dict.length() + 1) % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(pre + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) header.length());
        } else {
            b.putInt(header.length());
        }
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    @Test
    void writesAVersion1HeaderPaddedTo64Bytes() {
        byte[] b = Npy.write(NpyArray.ofFloats(new float[24], 1, 2, 3, 4));
        assertEquals((byte) 0x93, b[0]);
        assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, b[6]);
        assertEquals(0, b[7]);
        int len = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        assertEquals(0, (10 + len) % 64, "header incl. magic is a multiple of 64");
        String header = new String(b, 10, len, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3, 4), }"), header);
        assertTrue(header.endsWith(" \n"));
        assertEquals(10 + len + 24 * 4, b.length);

        String oneD =
                new String(Npy.write(NpyArray.ofLongs(new long[] {1, 2}, 2)), 10, 60, StandardCharsets.ISO_8859_1);
        assertTrue(oneD.contains("'descr': '<i8'") && oneD.contains("'shape': (2,)"), oneD);
    }

    @Test
    void roundTripsFloatsAndLongs() {
        float[] f = {1.5f, -2f, Float.MAX_VALUE, 0f, 3.25f, -0f};
        NpyArray a = Npy.read(Npy.write(NpyArray.ofFloats(f, 2, 3)), "a");
        assertArrayEquals(new long[] {2, 3}, a.shape());
        assertArrayEquals(f, a.floats());
        long[] l = {Long.MIN_VALUE, -1, 0, 7};
        assertArrayEquals(l, Npy.read(Npy.write(NpyArray.ofLongs(l, 4)), "b").longs());
    }

    @Test
    void readsOtherDtypesAndByteOrders() {
        ByteBuffer f8 = ByteBuffer.allocate(16)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putDouble(0.5)
                .putDouble(-3);
        NpyArray d = Npy.read(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f8.array()), "d");
        assertArrayEquals(new float[] {0.5f, -3f}, d.floats());
        assertEquals("<f8", d.sourceDescr());

        ByteBuffer be = ByteBuffer.allocate(8)
                .order(ByteOrder.BIG_ENDIAN)
                .putFloat(1.25f)
                .putFloat(-7f);
        assertArrayEquals(
                new float[] {1.25f, -7f},
                Npy.read(npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 1), }", be.array()), "e")
                        .floats());

        ByteBuffer i4 = ByteBuffer.allocate(12)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(3)
                .putInt(-1)
                .putInt(9);
        assertArrayEquals(
                new int[] {3, -1, 9},
                Npy.read(npy(2, "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", i4.array()), "i")
                        .ints());

        assertArrayEquals(
                new long[] {255, 1},
                Npy.read(npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", new byte[] {-1, 1}), "u")
                        .longs());
        NpyArray scalar = Npy.read(npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (), }", new byte[8]), "s");
        assertEquals(0, scalar.dimension());
        assertEquals(1, scalar.size());
    }

    @Test
    void readsUnicodeStringsWithoutTheirNulPadding() {
        // '<U5': five UTF-32LE code units per string, NUL-padded; "é" and an astral code point included.
        String[] words = {"cat", "cafés", "\uD83D\uDC36"};
        ByteBuffer u = ByteBuffer.allocate(3 * 5 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < words.length; i++) {
            int[] cps = words[i].codePoints().toArray();
            for (int j = 0; j < cps.length; j++) {
                u.putInt((i * 5 + j) * 4, cps[j]);
            }
        }
        NpyArray a = Npy.read(npy(1, "{'descr': '<U5', 'fortran_order': False, 'shape': (3,), }", u.array()), "names");
        assertTrue(a.isString());
        assertFalse(a.isFloat());
        assertEquals(3, a.size());
        assertArrayEquals(words, a.strings());
        assertThrows(IllegalStateException.class, a::floats);
        assertThrows(IllegalStateException.class, a::longs);
        assertThrows(IllegalArgumentException.class, () -> Npy.write(a));

        ByteBuffer be =
                ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putInt('o').putInt('k');
        assertArrayEquals(
                new String[] {"ok"},
                Npy.read(npy(1, "{'descr': '>U2', 'fortran_order': False, 'shape': (1,), }", be.array()), "b")
                        .strings());
    }

    @Test
    void keepsUint8AndBoolAsOneBytePerValue() {
        NpyArray a = Npy.read(
                npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }", new byte[] {
                    0, 1, (byte) 200, (byte) 255
                }),
                "img");
        assertTrue(a.isUnsignedBytes());
        assertArrayEquals(new byte[] {0, 1, (byte) 200, (byte) 255}, a.unsignedBytes());
        assertArrayEquals(new int[] {0, 1, 200, 255}, a.ints());
        assertArrayEquals(new float[] {0, 1, 200, 255}, a.floats());
        NpyArray b =
                Npy.read(npy(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", new byte[] {1, 0}), "b");
        assertArrayEquals(new long[] {1, 0}, b.longs());
        assertFalse(Npy.read(Npy.write(NpyArray.ofLongs(new long[] {1}, 1)), "l")
                .isUnsignedBytes());
    }

    @Test
    void explainsWhatIsWrong() {
        String trunc = assertThrows(
                        IllegalArgumentException.class,
                        () -> Npy.read(
                                npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (10, 3), }", new byte[12]),
                                "array 'x'"))
                .getMessage();
        assertTrue(trunc.contains("array 'x'") && trunc.contains("truncated") && trunc.contains("(10, 3)"), trunc);

        String dtype = assertThrows(
                        IllegalArgumentException.class,
                        () -> Npy.read(
                                npy(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new byte[8]),
                                "array 'z'"))
                .getMessage();
        assertTrue(dtype.contains("'<c8'"), dtype);

        String fortran = assertThrows(
                        IllegalArgumentException.class,
                        () -> Npy.read(
                                npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16]),
                                "m"))
                .getMessage();
        assertTrue(fortran.contains("Fortran"), fortran);

        assertTrue(assertThrows(IllegalArgumentException.class, () -> Npy.read("hello world!".getBytes(), "q"))
                .getMessage()
                .contains("not in .npy format"));
    }
}

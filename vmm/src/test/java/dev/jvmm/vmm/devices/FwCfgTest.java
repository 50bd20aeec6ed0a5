package dev.jvmm.vmm.devices;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The device driven through its port handlers, as a guest driver drives ports 0x510/0x511. */
class FwCfgTest {
    private final FwCfg fwCfg = new FwCfg(1, 128L << 20, "console=ttyS0 a");

    private byte[] read(int key, int length) {
        fwCfg.write(FwCfg.SELECTOR, 2, key);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < length; i++) {
            bytes.write(fwCfg.read(FwCfg.DATA, 1));
        }
        return bytes.toByteArray();
    }

    private ByteBuffer le(int key, int length) {
        return ByteBuffer.wrap(read(key, length)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void signatureIdCpusAndRam() {
        assertEquals("QEMU", new String(read(0x00, 4), StandardCharsets.US_ASCII));
        assertEquals(1, le(0x01, 4).getInt(), "the traditional interface, no DMA");
        assertEquals(128L << 20, le(0x03, 8).getLong());
        assertEquals(1, le(0x05, 2).getShort());
        assertEquals(1, le(0x0f, 2).getShort());
    }

    @Test
    void commandLineWithItsNul() {
        assertEquals(16, le(0x14, 4).getInt());
        assertEquals("console=ttyS0 a\0", new String(read(0x15, 16), StandardCharsets.US_ASCII));
        FwCfg none = new FwCfg(1, 64L << 20, null);
        none.write(FwCfg.SELECTOR, 2, 0x14);
        assertEquals(0, none.read(FwCfg.DATA, 1), "absent, as QEMU leaves it for multiboot kernels: zeros");
    }

    @Test
    void fileDirectoryIsBigEndianAndNamesEtcE820() {
        ByteBuffer directory = ByteBuffer.wrap(read(0x19, 4 + 64));
        assertEquals(1, directory.getInt());
        assertEquals(20, directory.getInt(), "size");
        int select = Short.toUnsignedInt(directory.getShort());
        assertEquals(0x20, select);
        assertEquals(0, directory.getShort(), "reserved");
        byte[] name = new byte[56];
        directory.get(name);
        assertEquals("etc/e820", new String(name, StandardCharsets.US_ASCII).replace("\0", ""));
        ByteBuffer e820 = le(select, 20);
        assertEquals(0, e820.getLong());
        assertEquals(128L << 20, e820.getLong());
        assertEquals(1, e820.getInt(), "RAM");
    }

    @Test
    void selectingRewindsAndReadsPastTheEndOrOfUnknownKeysAreZero() {
        assertEquals("QE", new String(read(0x00, 2), StandardCharsets.US_ASCII));
        assertEquals("QEMU", new String(read(0x00, 4), StandardCharsets.US_ASCII), "a new select starts over");
        byte[] past = read(0x00, 6);
        assertEquals(0, past[4]);
        assertEquals(0, past[5]);
        assertEquals(0, read(0x1234, 1)[0]);
        assertEquals(0, read(0x8003, 1)[0], "no arch-local items");
    }

    @Test
    void onlyWordWritesSelectAndOnlyByteReadsRead() {
        fwCfg.write(FwCfg.SELECTOR, 2, 0x00);
        fwCfg.write(FwCfg.SELECTOR, 1, 0x05);                   // a byte write is a data write, ignored
        fwCfg.write(FwCfg.DATA, 1, 0xff);
        assertEquals('Q', fwCfg.read(FwCfg.DATA, 1));
        assertEquals('E', fwCfg.read(FwCfg.SELECTOR, 1), "the selector port reads data too, as QEMU's combined port");
        assertEquals(-1, fwCfg.read(FwCfg.DATA, 4), "wider reads are not part of the interface");
        assertEquals('M', fwCfg.read(FwCfg.DATA, 1));
        assertEquals("QEMU", new String(read(0x4000, 4), StandardCharsets.US_ASCII), "the write-channel bit does not choose an item");
    }
}

package dev.jvmm.vmm.devices;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * QEMU's firmware configuration device (docs/specs/fw_cfg.rst in QEMU) as its x86 I/O ports
 * present it: a 16-bit write to the selector port (0x510) chooses an item and rewinds it, byte
 * reads from the data port (0x511; 0x510 too, as on QEMU's combined port) return its bytes in
 * turn, then zeros past its end. Items no one defined read as zeros, as on QEMU. Writes to the
 * data port are ignored, as on QEMU since 2.4. The DMA interface (port 0x514) is absent: the ID
 * item says so (bit 1 clear), and the port is unclaimed.
 *
 * <p>Items: the "QEMU" signature, the ID (traditional interface only), the CPU count (NB_CPUS and
 * MAX_CPUS), the RAM size, the kernel command line when the boot protocol has one there, and
 * the file directory (big-endian entries, files sorted by name from selector 0x20) with
 * {@code etc/e820}: RAM from 0, as QEMU gives firmware its e820 table.
 */
public final class FwCfg implements PortDevice {
    public static final int PORT = 0x510;
    public static final int PORT_COUNT = 2;
    static final int SELECTOR = 0;
    static final int DATA = 1;

    static final int SIGNATURE = 0x00;
    static final int ID = 0x01;
    static final int RAM_SIZE = 0x03;
    static final int NB_CPUS = 0x05;
    static final int MAX_CPUS = 0x0f;
    static final int CMDLINE_SIZE = 0x14;
    static final int CMDLINE_DATA = 0x15;
    static final int FILE_DIR = 0x19;
    static final int FILE_FIRST = 0x20;
    /** The selector's write-channel bit (0x4000) does not choose an item; the arch-local bit (0x8000) does. */
    static final int KEY_MASK = 0xbfff;
    static final int ID_TRADITIONAL = 1;
    static final int FILE_NAME_SIZE = 56;
    static final int E820_RAM = 1;

    private final Map<Integer, byte[]> items = new HashMap<>();
    private byte[] selected = new byte[0];
    private int offset;

    /**
     * @param cmdline the kernel command line for CMDLINE_SIZE/DATA, or null to leave them out
     */
    public FwCfg(int cpus, long ramSize, String cmdline) {
        items.put(SIGNATURE, "QEMU".getBytes(StandardCharsets.US_ASCII));
        items.put(ID, le(4, ID_TRADITIONAL));
        items.put(RAM_SIZE, le(8, ramSize));
        items.put(NB_CPUS, le(2, cpus));
        items.put(MAX_CPUS, le(2, cpus));
        if (cmdline != null) {
            byte[] text = cmdline.getBytes(StandardCharsets.UTF_8);
            items.put(CMDLINE_SIZE, le(4, text.length + 1));
            items.put(CMDLINE_DATA, ByteBuffer.allocate(text.length + 1).put(text).array());
        }
        Map<String, byte[]> files = new TreeMap<>();
        files.put("etc/e820", ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(0).putLong(ramSize).putInt(E820_RAM).array());
        ByteBuffer directory = ByteBuffer.allocate(4 + files.size() * (8 + FILE_NAME_SIZE)).order(ByteOrder.BIG_ENDIAN);
        directory.putInt(files.size());
        int key = FILE_FIRST;
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            byte[] name = file.getKey().getBytes(StandardCharsets.US_ASCII);
            directory.putInt(file.getValue().length).putShort((short) key).putShort((short) 0)
                    .put(name).put(new byte[FILE_NAME_SIZE - name.length]);
            items.put(key++, file.getValue());
        }
        items.put(FILE_DIR, directory.array());
    }

    @Override
    public int write(int offset, int size, int value) {
        if (size == 2) {
            selected = items.getOrDefault(value & KEY_MASK, new byte[0]);
            this.offset = 0;
        }
        return RUN;
    }

    @Override
    public int read(int offset, int size) {
        if (size != 1) {
            return -1;
        }
        return this.offset < selected.length ? selected[this.offset++] & 0xff : 0;
    }

    private static byte[] le(int size, long value) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (value >>> (8 * i));
        }
        return bytes;
    }
}

package dev.jvmm.vmm.devices;

import dev.jvmm.vmm.memory.GuestMemory;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * jvmm's paravirtual copy-out device: at the end of a run the guest kernel hands over, a list
 * per exit, the pieces of a newc cpio archive of the directories {@code jvmm run --copy-out}
 * named (guest-kernel/src/main/asm/copyout.s); the device appends them, straight from guest
 * memory, to the caller's {@link Archive}, which {@link dev.jvmm.vmm.files.CopyOutArchive}
 * unpacks after the run. The pieces are mostly the guest's file pages themselves: the kernel writes only the
 * headers, so no file byte passes through its (emulated, on our hosts) instructions.
 *
 * <p>Protocol (docs/kernel.md, "Copy-out"): a 32-bit read of the port returns {@link #MAGIC}
 * (an unclaimed port reads as all ones, which is how the kernel sees that it runs without the
 * device, e.g. under QEMU); a 32-bit write of a guest-physical address names a list
 * {@code {u64 count; {u64 address, u64 length}[count]}}, at most {@link #MAX_PIECES} pieces.
 * A list or piece outside RAM, or bytes past the limit, end the copy with a problem (see
 * {@link Archive#problem}): the guest runs on, and nothing more is appended.
 */
public final class CopyOut implements PortDevice {
    public static final int PORT = 0x524;
    public static final int PORT_COUNT = 4;
    public static final int MAGIC = 0x4a564d4f;     // "JVMO"
    public static final int MAX_PIECES = 255;

    /**
     * Where a run's archive goes: the caller's channel and limit (a guest can name the same pages
     * again and again); after the run, how many bytes came and whether the copy stopped early.
     */
    public static final class Archive {
        private final WritableByteChannel channel;
        private final long limit;
        private long written;
        private String problem;

        public Archive(WritableByteChannel channel, long limit) {
            this.channel = channel;
            this.limit = limit;
        }

        /** Bytes of the archive taken. */
        public long written() {
            return written;
        }

        /** Why the copy stopped early, or null. */
        public String problem() {
            return problem;
        }
    }

    private final GuestMemory memory;
    private final Archive archive;

    public CopyOut(GuestMemory memory, Archive archive) {
        this.memory = memory;
        this.archive = archive;
    }

    @Override
    public int write(int offset, int size, int value) {
        if (offset == 0 && size == 4 && archive.problem == null) {
            archive.problem = append(Integer.toUnsignedLong(value));
        }
        return RUN;
    }

    @Override
    public int read(int offset, int size) {
        return offset == 0 && size == 4 ? MAGIC : -1;
    }

    /** The list's pieces appended in order, or why the copy stops here. */
    private String append(long list) {
        if (!memory.contains(list, 8)) {
            return String.format("the guest's list at 0x%x is outside its memory", list);
        }
        long count = memory.slice(list, 8).get(JAVA_LONG_UNALIGNED, 0);
        if (count < 0 || count > MAX_PIECES || !memory.contains(list + 8, count * 16)) {
            return String.format("the guest's list at 0x%x has %d pieces (at most %d, inside its memory)", list, count, MAX_PIECES);
        }
        for (long i = 0; i < count; i++) {
            long address = memory.slice(list + 8 + i * 16, 8).get(JAVA_LONG_UNALIGNED, 0);
            long length = memory.slice(list + 16 + i * 16, 8).get(JAVA_LONG_UNALIGNED, 0);
            if (length < 0 || !memory.contains(address, length)) {
                return String.format("a piece of %d bytes at 0x%x is outside the guest's memory", length, address);
            }
            if (length > archive.limit - archive.written) {
                return "the archive would pass its limit of " + archive.limit + " bytes";
            }
            try {
                var bytes = memory.slice(address, length).asByteBuffer();
                while (bytes.hasRemaining()) {
                    archive.channel.write(bytes);
                }
            } catch (IOException e) {
                return "cannot write the archive on the host: " + e.getMessage();
            }
            archive.written += length;
        }
        return null;
    }
}

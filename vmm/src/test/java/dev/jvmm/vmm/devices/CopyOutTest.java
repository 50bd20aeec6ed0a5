package dev.jvmm.vmm.devices;

import dev.jvmm.vmm.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The copy-out device on guest memory without a VM: a list's pieces reach the channel in order, bad lists stop it. */
class CopyOutTest {
    private static final long LIST = 0x1000;

    private static void list(GuestMemory memory, long... addressesAndLengths) {
        MemorySegment list = memory.slice(LIST, 8 + addressesAndLengths.length * 8L);
        list.set(JAVA_LONG_UNALIGNED, 0, addressesAndLengths.length / 2);
        for (int i = 0; i < addressesAndLengths.length; i++) {
            list.set(JAVA_LONG_UNALIGNED, 8 + i * 8L, addressesAndLengths[i]);
        }
    }

    @Test
    void announcesItselfWithItsMagic() {
        try (GuestMemory memory = GuestMemory.allocate(4L << 20)) {
            CopyOut device = new CopyOut(memory, new CopyOut.Archive(Channels.newChannel(new ByteArrayOutputStream()), 100));
            assertEquals(CopyOut.MAGIC, device.read(0, 4));
            assertEquals(-1, device.read(0, 1));
        }
    }

    @Test
    void piecesAreAppendedInTheListsOrder() {
        try (GuestMemory memory = GuestMemory.allocate(4L << 20)) {
            memory.write(0x10000, "hello, ".getBytes(StandardCharsets.US_ASCII));
            memory.write(0x20000, "world".getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CopyOut.Archive archive = new CopyOut.Archive(Channels.newChannel(out), 1 << 20);
            CopyOut device = new CopyOut(memory, archive);
            list(memory, 0x10000, 7, 0x20000, 5);
            assertEquals(PortDevice.RUN, device.write(0, 4, (int) LIST));
            list(memory, 0x20000, 5, 0x10000, 1);
            device.write(0, 4, (int) LIST);
            assertEquals("hello, worldworldh", out.toString(StandardCharsets.US_ASCII));
            assertEquals(18, archive.written());
            assertNull(archive.problem());
        }
    }

    @Test
    void aPieceOutsideRamStopsTheCopyAndTheGuestRunsOn() {
        try (GuestMemory memory = GuestMemory.allocate(4L << 20)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CopyOut.Archive archive = new CopyOut.Archive(Channels.newChannel(out), 1 << 20);
            CopyOut device = new CopyOut(memory, archive);
            list(memory, 0x10000, 3, memory.size() - 2, 3);
            assertEquals(PortDevice.RUN, device.write(0, 4, (int) LIST));
            assertTrue(archive.problem().contains("outside the guest's memory"), archive.problem());
            list(memory, 0x10000, 3);                       // nothing more after a problem
            device.write(0, 4, (int) LIST);
            assertEquals(3, out.size());
        }
    }

    @Test
    void listsOutsideRamOrTooLongAreRefused() {
        try (GuestMemory memory = GuestMemory.allocate(4L << 20)) {
            CopyOut.Archive outside = new CopyOut.Archive(Channels.newChannel(new ByteArrayOutputStream()), 1 << 20);
            new CopyOut(memory, outside).write(0, 4, (int) memory.size());
            assertTrue(outside.problem().contains("outside its memory"), outside.problem());
            memory.slice(LIST, 8).set(JAVA_LONG_UNALIGNED, 0, CopyOut.MAX_PIECES + 1);
            CopyOut.Archive tooLong = new CopyOut.Archive(Channels.newChannel(new ByteArrayOutputStream()), 1 << 20);
            new CopyOut(memory, tooLong).write(0, 4, (int) LIST);
            assertTrue(tooLong.problem().contains("256 pieces"), tooLong.problem());
        }
    }

    @Test
    void theLimitStopsAGuestThatSendsTheSamePagesForEver() {
        try (GuestMemory memory = GuestMemory.allocate(4L << 20)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CopyOut.Archive archive = new CopyOut.Archive(Channels.newChannel(out), 10_000);
            CopyOut device = new CopyOut(memory, archive);
            list(memory, 0x10000, 4096);
            for (int i = 0; i < 5; i++) {
                device.write(0, 4, (int) LIST);
            }
            assertEquals(8192, out.size());
            assertTrue(archive.problem().contains("limit of 10000 bytes"), archive.problem());
        }
    }
}

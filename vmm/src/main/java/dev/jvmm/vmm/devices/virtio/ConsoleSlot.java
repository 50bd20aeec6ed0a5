package dev.jvmm.vmm.devices.virtio;

import dev.jvmm.vmm.devices.MmioBus;
import dev.jvmm.vmm.memory.GuestMemory;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * Where jvmm puts its virtio console (docs/boot-protocol.md, "Devices"): one virtio-mmio window
 * at {@link #BASE}, in the PC's MMIO hole between the end of the largest guest RAM (3 GiB) and
 * 4 GiB, as Firecracker places its first virtio-mmio device; its interrupt on {@link #GSI}, an
 * input of both the 8259s and the IOAPIC that no legacy device of jvmm's uses (ISA IRQ 5, as on
 * Firecracker and QEMU's microvm); and the kernel command-line word that tells a guest where it
 * is, in Linux's syntax (drivers/virtio/virtio_mmio.c: {@code virtio_mmio.device=<size>@<base>:<irq>}).
 */
public final class ConsoleSlot {
    public static final long BASE = 0xd000_0000L;
    public static final long SIZE = VirtioMmio.WINDOW;
    public static final int GSI = 5;

    /**
     * The program's streams on the console's ports.
     *
     * @param stdin  read into port 0, or null for none (the guest sees its end at once)
     * @param stdout port 0's output
     * @param stderr port 1's output
     */
    public record Streams(InputStream stdin, OutputStream stdout, OutputStream stderr) {}

    private ConsoleSlot() {}

    /** {@code virtio_mmio.device=512@0xd0000000:5} */
    public static String deviceWord() {
        return "virtio_mmio.device=" + SIZE + "@0x" + Long.toHexString(BASE) + ":" + GSI;
    }

    /** The command line with the device's word at its end, where QEMU's microvm puts its own. */
    public static String withDeviceWord(String cmdline) {
        return cmdline.isBlank() ? deviceWord() : cmdline + " " + deviceWord();
    }

    /**
     * Claims the window on {@code bus} for a virtio console on {@code streams}.
     *
     * @param line       the interrupt line's level, as the transport changes it
     * @param complaints why the device asked the driver for a reset
     */
    public static VirtioMmio attach(MmioBus bus, GuestMemory memory, Streams streams, Consumer<Boolean> line,
                                    Consumer<String> complaints) {
        VirtioConsole console = new VirtioConsole(streams.stdin(), streams.stdout(), streams.stderr());
        VirtioMmio transport = new VirtioMmio(console, memory, line, complaints);
        bus.register(BASE, SIZE, transport);
        return transport;
    }
}

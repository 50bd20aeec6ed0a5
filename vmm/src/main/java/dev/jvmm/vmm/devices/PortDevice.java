package dev.jvmm.vmm.devices;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/** A device on the x86 I/O-port bus. {@code offset} is relative to the device's first port. */
public interface PortDevice {
    /** What {@link #write} returns to let the guest run on. */
    int RUN = -1;

    /**
     * The guest wrote {@code value}, {@code size} bytes wide (1, 2 or 4). Returns {@link #RUN}, or
     * a status (0-255) that ends the run with it, as a Solo5 hypercall handler returns the guest's
     * halt status to the vCPU loop.
     */
    int write(int offset, int size, int value);

    /** The guest reads {@code size} bytes. */
    int read(int offset, int size);

    /**
     * A string {@code outs} that KVM hands over in one exit: {@code count} elements of {@code size}
     * bytes, in the order the guest wrote them, packed in {@code data} (a view of the kvm_run page,
     * valid for this call only). The bus calls it for count > 1 only. Returns as {@link #write}
     * does; the elements after one that ends the run are not written. This default makes one
     * {@code write} per element, so a device that has nothing to gain from a burst is unchanged.
     */
    default int writeString(int offset, int size, int count, MemorySegment data) {
        for (int i = 0; i < count; i++) {
            int status = write(offset, size, element(data, i, size));
            if (status != RUN) {
                return status;
            }
        }
        return RUN;
    }

    /**
     * A string {@code ins}: {@code count} elements of {@code size} bytes into {@code data}, in the
     * order the guest will store them (KVM's emulator reads a {@code rep ins} ahead, up to 1 KiB
     * in one exit). The bus calls it for count > 1 only. This default makes one {@code read} per
     * element.
     */
    default void readString(int offset, int size, int count, MemorySegment data) {
        for (int i = 0; i < count; i++) {
            setElement(data, i, size, read(offset, size));
        }
    }

    /** Element {@code index} of a port exit's data, {@code size} bytes wide, zero-extended. */
    static int element(MemorySegment data, int index, int size) {
        long offset = (long) index * size;
        return switch (size) {
            case 1 -> Byte.toUnsignedInt(data.get(JAVA_BYTE, offset));
            case 2 -> Short.toUnsignedInt(data.get(JAVA_SHORT_UNALIGNED, offset));
            default -> data.get(JAVA_INT_UNALIGNED, offset);
        };
    }

    /** Sets element {@code index} of a port exit's data to the low {@code size} bytes of {@code value}. */
    static void setElement(MemorySegment data, int index, int size, int value) {
        long offset = (long) index * size;
        switch (size) {
            case 1 -> data.set(JAVA_BYTE, offset, (byte) value);
            case 2 -> data.set(JAVA_SHORT_UNALIGNED, offset, (short) value);
            default -> data.set(JAVA_INT_UNALIGNED, offset, value);
        }
    }
}

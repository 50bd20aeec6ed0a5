package dev.jvmm.vmm.devices.virtio;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * One request the driver made available: the head index (to return it in the used ring), the
 * buffers the device reads, then those it writes (virtio 1.2, 2.7.4: readable ones come first).
 * Each buffer is a view of guest RAM, already checked to lie inside it.
 */
public record DescriptorChain(int head, List<MemorySegment> readable, List<MemorySegment> writable) {

    public long readableLength() {
        return readable.stream().mapToLong(MemorySegment::byteSize).sum();
    }

    public long writableLength() {
        return writable.stream().mapToLong(MemorySegment::byteSize).sum();
    }

    /** Copies up to {@code source.byteSize()} bytes into the writable buffers; returns how many fit. */
    public long fill(MemorySegment source) {
        long done = 0;
        for (MemorySegment buffer : writable) {
            long n = Math.min(buffer.byteSize(), source.byteSize() - done);
            if (n <= 0) {
                break;
            }
            MemorySegment.copy(source, done, buffer, 0, n);
            done += n;
        }
        return done;
    }
}

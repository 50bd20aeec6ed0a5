package dev.jvmm.vmm.devices.virtio;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The host side of the guest's standard input: a daemon thread reads the stream into a bounded
 * buffer (it blocks while the buffer is full, so a large stdin costs {@link #CAPACITY} bytes of
 * memory, not its size) and tells a listener each time bytes or the end arrive. The guest's side
 * takes bytes without blocking.
 */
final class ConsoleInput {
    static final int CAPACITY = 64 * 1024;

    private final InputStream stream;
    private final byte[] ring = new byte[CAPACITY];
    private int head;
    private int count;
    private boolean ended;
    private Runnable listener = () -> { };
    private Thread reader;

    /** {@code stream} null: there is no input, it has ended before it began. */
    ConsoleInput(InputStream stream) {
        this.stream = stream;
        this.ended = stream == null;
    }

    /** Starts reading (once); {@code listener} runs on the reader thread after each arrival. */
    synchronized void start(Runnable listener) {
        this.listener = listener;
        if (reader == null && !ended) {
            reader = Thread.ofPlatform().daemon().name("jvmm-console-stdin").start(this::readLoop);
        }
    }

    private void readLoop() {
        byte[] chunk = new byte[8192];
        while (true) {
            int n;
            try {
                n = stream.read(chunk, 0, room());
            } catch (IOException e) {
                n = -1;     // a broken stdin is the end of input for the guest
            } catch (InterruptedException e) {
                return;
            }
            Runnable notify;
            synchronized (this) {
                if (n < 0) {
                    ended = true;
                } else {
                    int tail = (head + count) % CAPACITY;
                    int first = Math.min(n, CAPACITY - tail);
                    System.arraycopy(chunk, 0, ring, tail, first);
                    System.arraycopy(chunk, first, ring, 0, n - first);
                    count += n;
                }
                notify = listener;
            }
            notify.run();
            if (n < 0) {
                return;
            }
        }
    }

    /** Waits for room in the buffer; returns how many bytes may be read (at most 8 KiB). */
    private synchronized int room() throws InterruptedException {
        while (count == CAPACITY) {
            wait();
        }
        return Math.min(8192, CAPACITY - count);
    }

    /** Moves up to {@code target.byteSize()} buffered bytes into {@code target}; returns how many. */
    synchronized long take(MemorySegment target) {
        int n = (int) Math.min(target.byteSize(), count);
        int first = Math.min(n, CAPACITY - head);
        MemorySegment.copy(ring, head, target, JAVA_BYTE, 0, first);
        MemorySegment.copy(ring, 0, target, JAVA_BYTE, first, n - first);
        head = (head + n) % CAPACITY;
        count -= n;
        if (n > 0) {
            notifyAll();
        }
        return n;
    }

    synchronized boolean hasBytes() {
        return count > 0;
    }

    /** True once the stream has ended and every byte has been taken. */
    synchronized boolean drained() {
        return ended && count == 0;
    }
}

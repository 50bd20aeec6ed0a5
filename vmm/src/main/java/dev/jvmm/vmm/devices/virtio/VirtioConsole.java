package dev.jvmm.vmm.devices.virtio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * A virtio console (virtio 1.2, 5.3) with VIRTIO_CONSOLE_F_MULTIPORT: port 0 is the console, the
 * program's stdin and stdout; port 1 is its stderr. Each port has a receive and a transmit queue;
 * queues 2 and 3 carry control messages (the driver announces itself, the device adds its ports,
 * names the console, and opens them; PORT_OPEN 0 on port 0 tells the driver that the host's
 * stdin has ended, as QEMU does when its chardev closes). A driver that does not negotiate
 * MULTIPORT sees port 0 only.
 *
 * <p>A host stream that fails (a closed pipe: EPIPE) is reported once with PORT_REMOVE for its
 * port, so that the driver can fail the program's writes with EPIPE, as Linux fails a write to a
 * pipe nobody reads; buffers the driver still sends there are taken and dropped, so a driver
 * that ignores the message never waits for them. Without MULTIPORT there is no control queue to
 * say it on, and the bytes are dropped.
 *
 * <p>Output goes to the host stream as whole buffers, one write per descriptor (no per-byte
 * calls), and is flushed once per notification. Input arrives from a reader thread
 * ({@link ConsoleInput}) and is moved into the buffers the driver posted as soon as both exist.
 */
public final class VirtioConsole implements VirtioDevice {
    public static final int DEVICE_ID = 3;
    static final long F_MULTIPORT = 1L << 1;
    static final int QUEUE_SIZE = 256;
    static final int CONTROL_RX = 2;    // device to driver
    static final int CONTROL_TX = 3;    // driver to device
    static final int CONTROL_SIZE = 8;  // struct virtio_console_control: le32 id, le16 event, le16 value
    /** More control messages than this waiting for driver buffers are dropped: the driver is not reading them. */
    static final int CONTROL_BACKLOG = 64;

    static final int DEVICE_READY = 0;
    static final int DEVICE_ADD = 1;
    static final int PORT_REMOVE = 2;
    static final int PORT_READY = 3;
    static final int CONSOLE_PORT = 4;
    static final int PORT_OPEN = 6;

    private final List<OutputStream> outputs;
    private final ConsoleInput input;
    private final ArrayDeque<byte[]> controlBacklog = new ArrayDeque<>();
    private final byte[] copyBuffer = new byte[64 * 1024];
    private List<SplitVirtqueue> queues = List.of();
    private Interrupt interrupt;
    private boolean multiport;
    private boolean consoleReady;
    private boolean endOfInputSent;
    private final boolean[] broken;
    /** A queue that broke the rules while the device held its lock: reported once the lock is let go. */
    private VirtqueueException failure;

    /**
     * @param stdin  the program's standard input, or null for none (the guest sees its end at once)
     * @param stdout port 0's output
     * @param stderr port 1's output
     */
    public VirtioConsole(InputStream stdin, OutputStream stdout, OutputStream stderr) {
        this.input = new ConsoleInput(stdin);
        this.outputs = List.of(stdout, stderr);
        this.broken = new boolean[outputs.size()];
    }

    @Override
    public int deviceId() {
        return DEVICE_ID;
    }

    @Override
    public long features() {
        return F_MULTIPORT;
    }

    @Override
    public int queueCount() {
        return 2 * outputs.size() + 2;
    }

    @Override
    public int queueMaxSize() {
        return QUEUE_SIZE;
    }

    /** struct virtio_console_config: cols, rows (0: unknown), max_nr_ports, emerg_wr. */
    @Override
    public void readConfig(long offset, MemorySegment data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment config = arena.allocate(12);
            config.set(JAVA_INT_UNALIGNED, 4, outputs.size());
            for (long i = 0; i < data.byteSize() && offset + i < config.byteSize(); i++) {
                data.set(JAVA_BYTE, i, config.get(JAVA_BYTE, offset + i));
            }
        }
    }

    @Override
    public void activate(long features, List<SplitVirtqueue> queues, Interrupt interrupt) throws VirtqueueException {
        boolean used;
        VirtqueueException failed;
        synchronized (this) {
            this.queues = queues;
            this.interrupt = interrupt;
            this.multiport = (features & F_MULTIPORT) != 0;
            used = moveInput();
            failed = takeFailure();
        }
        if (failed != null) {
            throw failed;
        }
        if (used) {
            interrupt.usedBuffers();
        }
        input.start(this::inputArrived);
    }

    @Override
    public void notify(int index) throws VirtqueueException {
        boolean used;
        VirtqueueException failed;
        synchronized (this) {
            if (!multiport && index >= CONTROL_RX) {
                return;     // without MULTIPORT only port 0's queues exist (5.3.2)
            }
            used = switch (queueRole(index)) {
                case TRANSMIT -> transmit(index, port(index));
                case RECEIVE -> port(index) == 0 && moveInput();
                case CONTROL_FROM_DRIVER -> control();
                case CONTROL_TO_DRIVER -> deliverControl();
            };
            failed = takeFailure();
        }
        if (failed != null) {
            throw failed;
        }
        if (used) {
            interrupt.usedBuffers();
        }
    }

    @Override
    public synchronized void reset() {
        queues = List.of();
        failure = null;
        controlBacklog.clear();
        multiport = false;
        consoleReady = false;
        endOfInputSent = false;
    }

    private enum Role { RECEIVE, TRANSMIT, CONTROL_TO_DRIVER, CONTROL_FROM_DRIVER }

    /** Queues 0 and 1 are port 0's; 2 and 3 control; then two per port from port 1 on (5.3.2). */
    private static Role queueRole(int index) {
        return switch (index) {
            case CONTROL_RX -> Role.CONTROL_TO_DRIVER;
            case CONTROL_TX -> Role.CONTROL_FROM_DRIVER;
            default -> index % 2 == 0 ? Role.RECEIVE : Role.TRANSMIT;
        };
    }

    private static int port(int index) {
        return index < 2 ? 0 : index / 2 - 1;
    }

    private boolean transmit(int index, int port) throws VirtqueueException {
        SplitVirtqueue queue = queues.get(index);
        OutputStream out = outputs.get(port);
        boolean used = false;
        boolean wasBroken = broken[port];
        for (DescriptorChain chain = queue.pop(); chain != null; chain = queue.pop()) {
            if (!broken[port]) {
                try {
                    for (MemorySegment buffer : chain.readable()) {
                        for (long done = 0; done < buffer.byteSize(); ) {
                            int n = (int) Math.min(copyBuffer.length, buffer.byteSize() - done);
                            MemorySegment.copy(buffer, JAVA_BYTE, done, copyBuffer, 0, n);
                            out.write(copyBuffer, 0, n);
                            done += n;
                        }
                    }
                } catch (IOException e) {
                    broken[port] = true;
                }
            }
            queue.push(chain, 0);
            used = true;
        }
        if (!broken[port]) {
            try {
                out.flush();
            } catch (IOException e) {
                broken[port] = true;
            }
        }
        if (broken[port] && !wasBroken && multiport) {
            queueControl(port, PORT_REMOVE, 0);
            used |= deliverControl();
        }
        return used;
    }

    /** Moves buffered stdin into port 0's posted buffers; at its end, tells the driver once. */
    private boolean moveInput() {
        if (queues.isEmpty()) {
            return false;
        }
        SplitVirtqueue receive = queues.get(0);
        boolean used = false;
        try {
            while (input.hasBytes() && receive.hasAvailable()) {
                DescriptorChain chain = receive.pop();
                long written = 0;
                for (MemorySegment buffer : chain.writable()) {
                    written += input.take(buffer);
                }
                receive.push(chain, written);
                used = true;
            }
        } catch (VirtqueueException e) {
            fail(e);
            return used;
        }
        if (consoleReady && input.drained() && !endOfInputSent) {
            endOfInputSent = true;
            queueControl(0, PORT_OPEN, 0);
            used |= deliverControl();
        }
        return used;
    }

    /**
     * On the reader thread. The transport's lock is taken after the device's is let go, never
     * inside it: the vCPU thread takes them in the other order.
     */
    private void inputArrived() {
        boolean used;
        VirtqueueException failed;
        Interrupt to;
        synchronized (this) {
            used = moveInput();
            failed = takeFailure();
            to = interrupt;
        }
        if (failed != null) {
            to.deviceError(failed);
        } else if (used) {
            to.usedBuffers();
        }
    }

    private void fail(VirtqueueException e) {
        if (failure == null) {
            failure = e;
        }
    }

    private VirtqueueException takeFailure() {
        VirtqueueException failed = failure;
        failure = null;
        return failed;
    }

    /** The driver's control messages (5.3.6.2): answer DEVICE_READY and PORT_READY. */
    private boolean control() throws VirtqueueException {
        if (!multiport) {
            return false;
        }
        SplitVirtqueue queue = queues.get(CONTROL_TX);
        boolean used = false;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment message = arena.allocate(CONTROL_SIZE);
            for (DescriptorChain chain = queue.pop(); chain != null; chain = queue.pop()) {
                if (gather(chain, message)) {
                    int id = message.get(JAVA_INT_UNALIGNED, 0);
                    int event = Short.toUnsignedInt(message.get(JAVA_SHORT_UNALIGNED, 4));
                    int value = Short.toUnsignedInt(message.get(JAVA_SHORT_UNALIGNED, 6));
                    answer(id, event, value);
                }
                queue.push(chain, 0);
                used = true;
            }
        }
        return deliverControl() | used;
    }

    private static boolean gather(DescriptorChain chain, MemorySegment message) {
        long done = 0;
        for (MemorySegment buffer : chain.readable()) {
            long n = Math.min(buffer.byteSize(), message.byteSize() - done);
            MemorySegment.copy(buffer, 0, message, done, n);
            done += n;
        }
        return done == message.byteSize();
    }

    private void answer(int id, int event, int value) {
        if (event == DEVICE_READY && value == 1) {
            for (int port = 0; port < outputs.size(); port++) {
                queueControl(port, DEVICE_ADD, 0);
            }
        } else if (event == PORT_READY && value == 1 && id >= 0 && id < outputs.size()) {
            if (id == 0) {
                queueControl(0, CONSOLE_PORT, 1);
                consoleReady = true;
                endOfInputSent = input.drained();
                queueControl(0, PORT_OPEN, endOfInputSent ? 0 : 1);
            } else {
                queueControl(id, PORT_OPEN, 1);
            }
            if (broken[id]) {
                queueControl(id, PORT_REMOVE, 0);
            }
        }
    }

    private void queueControl(int id, int event, int value) {
        if (controlBacklog.size() >= CONTROL_BACKLOG) {
            return;
        }
        byte[] message = new byte[CONTROL_SIZE];
        MemorySegment segment = MemorySegment.ofArray(message);
        segment.set(JAVA_INT_UNALIGNED, 0, id);
        segment.set(JAVA_SHORT_UNALIGNED, 4, (short) event);
        segment.set(JAVA_SHORT_UNALIGNED, 6, (short) value);
        controlBacklog.add(message);
    }

    /** Control messages into the buffers the driver posted for them, in order. */
    private boolean deliverControl() {
        SplitVirtqueue queue = queues.get(CONTROL_RX);
        boolean used = false;
        try {
            while (!controlBacklog.isEmpty() && queue.hasAvailable()) {
                DescriptorChain chain = queue.pop();
                long written = chain.fill(MemorySegment.ofArray(controlBacklog.peek()));
                if (written == CONTROL_SIZE) {
                    controlBacklog.remove();
                }
                queue.push(chain, written);
                used = true;
            }
        } catch (VirtqueueException e) {
            fail(e);
        }
        return used;
    }
}

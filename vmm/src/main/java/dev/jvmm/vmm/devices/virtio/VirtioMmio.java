package dev.jvmm.vmm.devices.virtio;

import dev.jvmm.vmm.devices.MmioDevice;
import dev.jvmm.vmm.memory.GuestMemory;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

/**
 * The virtio-over-MMIO transport, version 2 (virtio 1.2, 4.2.2), in front of one
 * {@link VirtioDevice}. Registers are 32 bits wide; accesses of another width to them are ignored
 * (reads see zero), the device configuration space at 0x100 takes any width. A driver that breaks
 * the rules (queue registers written while the queue is live, features the device did not offer,
 * a malformed virtqueue) gets DEVICE_NEEDS_RESET or has the write ignored, as 4.2.2.1 and 2.1.2
 * allow; nothing it does makes the VMM touch memory outside guest RAM.
 *
 * <p>The interrupt is level-style: InterruptStatus bit 0 is set when buffers are used and stays
 * set until the driver acknowledges it; {@code line} is told each change, for an irqchip pin.
 */
public final class VirtioMmio implements MmioDevice {
    /** The window each device takes: QEMU's microvm spaces its virtio-mmio devices 512 bytes apart. */
    public static final long WINDOW = 0x200;

    static final int MAGIC_VALUE = 0x000;
    static final int VERSION = 0x004;
    static final int DEVICE_ID = 0x008;
    static final int VENDOR_ID = 0x00c;
    static final int DEVICE_FEATURES = 0x010;
    static final int DEVICE_FEATURES_SEL = 0x014;
    static final int DRIVER_FEATURES = 0x020;
    static final int DRIVER_FEATURES_SEL = 0x024;
    static final int QUEUE_SEL = 0x030;
    static final int QUEUE_NUM_MAX = 0x034;
    static final int QUEUE_NUM = 0x038;
    static final int QUEUE_READY = 0x044;
    static final int QUEUE_NOTIFY = 0x050;
    static final int INTERRUPT_STATUS = 0x060;
    static final int INTERRUPT_ACK = 0x064;
    static final int STATUS = 0x070;
    static final int QUEUE_DESC_LOW = 0x080;
    static final int QUEUE_DESC_HIGH = 0x084;
    static final int QUEUE_DRIVER_LOW = 0x090;
    static final int QUEUE_DRIVER_HIGH = 0x094;
    static final int QUEUE_DEVICE_LOW = 0x0a0;
    static final int QUEUE_DEVICE_HIGH = 0x0a4;
    static final int SHM_LEN_LOW = 0x0b0;
    static final int SHM_LEN_HIGH = 0x0b4;
    static final int SHM_BASE_LOW = 0x0b8;
    static final int SHM_BASE_HIGH = 0x0bc;
    static final int CONFIG_GENERATION = 0x0fc;
    static final int CONFIG = 0x100;

    static final int MAGIC = 0x74726976;            // "virt"
    static final int VENDOR = 0x6d6d766a;           // "jvmm"
    static final long VIRTIO_F_VERSION_1 = 1L << 32;

    static final int STATUS_ACKNOWLEDGE = 1;
    static final int STATUS_DRIVER = 2;
    static final int STATUS_DRIVER_OK = 4;
    static final int STATUS_FEATURES_OK = 8;
    static final int STATUS_NEEDS_RESET = 64;
    static final int STATUS_FAILED = 128;
    static final int INTERRUPT_USED_BUFFER = 1;
    static final int INTERRUPT_CONFIG_CHANGE = 2;

    private final VirtioDevice device;
    private final List<SplitVirtqueue> queues = new ArrayList<>();
    private final Consumer<Boolean> line;
    private final Consumer<String> complaints;
    private int deviceFeaturesSelect;
    private int driverFeaturesSelect;
    private long driverFeatures;
    private int queueSelect;
    private int status;
    private int interruptStatus;

    /**
     * @param line       told true when the interrupt is raised and false when acknowledged
     * @param complaints told why the device asked for a reset (for --verbose and tests)
     */
    public VirtioMmio(VirtioDevice device, GuestMemory memory, Consumer<Boolean> line, Consumer<String> complaints) {
        this.device = device;
        this.line = line;
        this.complaints = complaints;
        for (int i = 0; i < device.queueCount(); i++) {
            queues.add(new SplitVirtqueue(memory, device.queueMaxSize()));
        }
    }

    public int status() {
        return status;
    }

    @Override
    public synchronized void read(long offset, MemorySegment data) {
        if (offset >= CONFIG) {
            data.fill((byte) 0);
            device.readConfig(offset - CONFIG, data);
            return;
        }
        data.fill((byte) 0);
        if (data.byteSize() == 4 && offset % 4 == 0) {
            data.set(JAVA_INT_UNALIGNED, 0, register((int) offset));
        }
    }

    private int register(int offset) {
        SplitVirtqueue queue = selectedQueue();
        long features = device.features() | VIRTIO_F_VERSION_1;
        return switch (offset) {
            case MAGIC_VALUE -> MAGIC;
            case VERSION -> 2;
            case DEVICE_ID -> device.deviceId();
            case VENDOR_ID -> VENDOR;
            case DEVICE_FEATURES -> deviceFeaturesSelect > 1 ? 0 : (int) (features >>> (32 * deviceFeaturesSelect));
            case QUEUE_NUM_MAX -> queue == null ? 0 : queue.maxSize();
            case QUEUE_READY -> queue != null && queue.ready() ? 1 : 0;
            case INTERRUPT_STATUS -> interruptStatus;
            case STATUS -> status;
            case SHM_LEN_LOW, SHM_LEN_HIGH, SHM_BASE_LOW, SHM_BASE_HIGH -> -1;   // no shared memory regions
            case CONFIG_GENERATION -> 0;
            default -> 0;
        };
    }

    @Override
    public synchronized int write(long offset, MemorySegment data) {
        if (offset >= CONFIG || data.byteSize() != 4 || offset % 4 != 0) {
            return RUN;     // the console's configuration is read-only; other widths are not registers
        }
        int value = data.get(JAVA_INT_UNALIGNED, 0);
        SplitVirtqueue queue = selectedQueue();
        switch ((int) offset) {
            case DEVICE_FEATURES_SEL -> deviceFeaturesSelect = value;
            case DRIVER_FEATURES_SEL -> driverFeaturesSelect = value;
            case DRIVER_FEATURES -> {
                if (negotiating() && driverFeaturesSelect <= 1) {
                    int shift = 32 * driverFeaturesSelect;
                    driverFeatures = (driverFeatures & ~(0xffffffffL << shift)) | (Integer.toUnsignedLong(value) << shift);
                }
            }
            case QUEUE_SEL -> queueSelect = value;
            case QUEUE_NUM -> { if (configurable(queue)) queue.setSize(value); }
            case QUEUE_DESC_LOW -> { if (configurable(queue)) queue.setDescriptorTable(low(queue.descriptorTable(), value)); }
            case QUEUE_DESC_HIGH -> { if (configurable(queue)) queue.setDescriptorTable(high(queue.descriptorTable(), value)); }
            case QUEUE_DRIVER_LOW -> { if (configurable(queue)) queue.setDriverArea(low(queue.driverArea(), value)); }
            case QUEUE_DRIVER_HIGH -> { if (configurable(queue)) queue.setDriverArea(high(queue.driverArea(), value)); }
            case QUEUE_DEVICE_LOW -> { if (configurable(queue)) queue.setDeviceArea(low(queue.deviceArea(), value)); }
            case QUEUE_DEVICE_HIGH -> { if (configurable(queue)) queue.setDeviceArea(high(queue.deviceArea(), value)); }
            case QUEUE_READY -> {
                if (configurable(queue) && value == 1) {
                    try {
                        queue.activate();
                    } catch (VirtqueueException e) {
                        needsReset(e);
                    }
                }
            }
            case QUEUE_NOTIFY -> notifyQueue(value);
            case INTERRUPT_ACK -> {
                interruptStatus &= ~value;
                if (interruptStatus == 0) {
                    line.accept(false);
                }
            }
            case STATUS -> setStatus(value);
            default -> { }
        }
        return RUN;
    }

    private SplitVirtqueue selectedQueue() {
        return queueSelect >= 0 && queueSelect < queues.size() ? queues.get(queueSelect) : null;
    }

    private boolean negotiating() {
        return (status & STATUS_DRIVER) != 0 && (status & (STATUS_FEATURES_OK | STATUS_FAILED)) == 0;
    }

    /** Queue registers take writes after FEATURES_OK and before DRIVER_OK, for a queue not yet live. */
    private boolean configurable(SplitVirtqueue queue) {
        return queue != null && !queue.ready() && (status & STATUS_FEATURES_OK) != 0
                && (status & (STATUS_DRIVER_OK | STATUS_NEEDS_RESET | STATUS_FAILED)) == 0;
    }

    private static long low(long old, int value) {
        return (old & 0xffffffff00000000L) | Integer.toUnsignedLong(value);
    }

    private static long high(long old, int value) {
        return (old & 0xffffffffL) | (Integer.toUnsignedLong(value) << 32);
    }

    private void setStatus(int value) {
        if (value == 0) {
            reset();
            return;
        }
        if ((value & status) != status) {
            return;     // a driver may only add bits (3.1.1); clearing needs a reset
        }
        int added = value & ~status;
        if ((added & STATUS_FEATURES_OK) != 0) {
            long offered = device.features() | VIRTIO_F_VERSION_1;
            if ((status & STATUS_DRIVER) == 0 || (driverFeatures & ~offered) != 0 || (driverFeatures & VIRTIO_F_VERSION_1) == 0) {
                value &= ~STATUS_FEATURES_OK;   // the driver reads it back and gives up (3.1.1 step 6)
            }
        }
        if ((added & STATUS_DRIVER_OK) != 0) {
            if ((value & STATUS_FEATURES_OK) == 0) {
                value &= ~STATUS_DRIVER_OK;
            } else {
                status = value;
                try {
                    device.activate(driverFeatures, List.copyOf(queues), new VirtioDevice.Interrupt() {
                        public void usedBuffers() {
                            VirtioMmio.this.usedBuffers();
                        }

                        public void deviceError(VirtqueueException e) {
                            needsReset(e);
                        }
                    });
                } catch (VirtqueueException e) {
                    needsReset(e);
                }
                return;
            }
        }
        status = value;
    }

    private void notifyQueue(int index) {
        if ((status & STATUS_DRIVER_OK) == 0 || (status & STATUS_NEEDS_RESET) != 0
                || index < 0 || index >= queues.size() || !queues.get(index).ready()) {
            return;     // a notification for a queue that is not live does nothing
        }
        try {
            device.notify(index);
        } catch (VirtqueueException e) {
            needsReset(e);
        }
    }

    private synchronized void usedBuffers() {
        interruptStatus |= INTERRUPT_USED_BUFFER;
        line.accept(true);
    }

    private synchronized void needsReset(VirtqueueException e) {
        complaints.accept(e.getMessage());
        status |= STATUS_NEEDS_RESET;
        interruptStatus |= INTERRUPT_CONFIG_CHANGE;     // 2.1.2: the device notifies a configuration change
        line.accept(true);
    }

    private void reset() {
        device.reset();
        queues.forEach(SplitVirtqueue::reset);
        status = 0;
        interruptStatus = 0;
        driverFeatures = 0;
        deviceFeaturesSelect = driverFeaturesSelect = queueSelect = 0;
        line.accept(false);
    }

    /**
     * The VM is going away: the device lets go of guest memory. When this returns no transfer is
     * under way and none starts (input that arrives later stays with the host).
     */
    public void detach() {
        device.reset();
    }

    /** True once the driver has set DRIVER_OK and the device has not asked for a reset. */
    public synchronized boolean live() {
        return (status & STATUS_DRIVER_OK) != 0 && (status & STATUS_NEEDS_RESET) == 0;
    }
}

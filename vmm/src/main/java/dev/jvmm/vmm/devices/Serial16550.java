package dev.jvmm.vmm.devices;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;

/**
 * A 16550A UART as a polling guest driver sees it (register map from the National Semiconductor
 * PC16550D data sheet). Transmitted bytes go to the sink as they are written. The transmitter is
 * always ready (LSR.THRE and LSR.TEMT set); there is no interrupt line yet, so IIR only reports
 * what would be pending. Loopback mode (MCR.LOOP) feeds transmitted bytes back to the receiver,
 * as drivers that probe the chip expect.
 */
public final class Serial16550 implements PortDevice {
    public static final int COM1 = 0x3f8;
    public static final int PORT_COUNT = 8;

    static final int RBR_THR_DLL = 0;
    static final int IER_DLM = 1;
    static final int IIR_FCR = 2;
    static final int LCR = 3;
    static final int MCR = 4;
    static final int LSR = 5;
    static final int MSR = 6;
    static final int SCR = 7;

    static final int LCR_DLAB = 0x80;
    static final int MCR_LOOP = 0x10;
    static final int LSR_DR = 0x01;
    static final int LSR_THRE = 0x20;
    static final int LSR_TEMT = 0x40;
    static final int IER_RDI = 0x01;
    static final int IER_THRI = 0x02;
    static final int IIR_NO_INTERRUPT = 0x01;
    static final int IIR_THRI = 0x02;
    static final int IIR_RDI = 0x04;
    static final int IIR_FIFO_ENABLED = 0xc0;
    static final int FCR_ENABLE = 0x01;
    static final int FCR_CLEAR_RX = 0x02;
    static final int MSR_CTS = 0x10;
    static final int MSR_DSR = 0x20;
    static final int MSR_RI = 0x40;
    static final int MSR_DCD = 0x80;
    private static final int RX_FIFO_SIZE = 16;

    private final OutputStream sink;
    private final ArrayDeque<Byte> receive = new ArrayDeque<>();
    private int ier;
    private int lcr = 0x03;
    private int mcr;
    private int scr;
    private int divisor = 1;
    private boolean fifoEnabled;

    public Serial16550(OutputStream sink) {
        this.sink = sink;
    }

    @Override
    public int write(int offset, int size, int value) {
        int data = value & 0xff;
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (offset) {
            case RBR_THR_DLL -> {
                if (dlab) {
                    divisor = (divisor & 0xff00) | data;
                } else {
                    transmit((byte) data);
                }
            }
            case IER_DLM -> {
                if (dlab) {
                    divisor = (divisor & 0x00ff) | (data << 8);
                } else {
                    ier = data & 0x0f;
                }
            }
            case IIR_FCR -> {
                fifoEnabled = (data & FCR_ENABLE) != 0;
                if ((data & FCR_CLEAR_RX) != 0) {
                    receive.clear();
                }
            }
            case LCR -> lcr = data;
            case MCR -> mcr = data & 0x1f;
            case SCR -> scr = data;
            default -> { } // LSR and MSR are read-only (writes are a factory test mode).
        }
        return RUN;
    }

    @Override
    public int read(int offset, int size) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        return switch (offset) {
            case RBR_THR_DLL -> dlab ? divisor & 0xff : receiveByte();
            case IER_DLM -> dlab ? divisor >> 8 : ier;
            case IIR_FCR -> (fifoEnabled ? IIR_FIFO_ENABLED : 0) | pendingInterrupt();
            case LCR -> lcr;
            case MCR -> mcr;
            case LSR -> LSR_THRE | LSR_TEMT | (receive.isEmpty() ? 0 : LSR_DR);
            case MSR -> modemStatus();
            case SCR -> scr;
            default -> 0xff;
        };
    }

    /** The divisor latch: the baud rate is 115200 / divisor. */
    public int divisor() {
        return divisor;
    }

    private void transmit(byte data) {
        if ((mcr & MCR_LOOP) != 0) {
            if (receive.size() < RX_FIFO_SIZE) {
                receive.addLast(data);
            }
            return;
        }
        try {
            sink.write(data);
            sink.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("serial output failed", e);
        }
    }

    private int receiveByte() {
        Byte data = receive.pollFirst();
        return data == null ? 0 : data & 0xff;
    }

    private int pendingInterrupt() {
        if ((ier & IER_RDI) != 0 && !receive.isEmpty()) {
            return IIR_RDI;
        }
        return (ier & IER_THRI) != 0 ? IIR_THRI : IIR_NO_INTERRUPT;
    }

    /** In loopback the modem inputs follow the modem outputs (RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD). */
    private int modemStatus() {
        if ((mcr & MCR_LOOP) == 0) {
            return MSR_DCD | MSR_DSR | MSR_CTS;
        }
        return ((mcr & 0x02) != 0 ? MSR_CTS : 0) | ((mcr & 0x01) != 0 ? MSR_DSR : 0)
                | ((mcr & 0x04) != 0 ? MSR_RI : 0) | ((mcr & 0x08) != 0 ? MSR_DCD : 0);
    }
}

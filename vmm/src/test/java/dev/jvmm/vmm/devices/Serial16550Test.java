package dev.jvmm.vmm.devices;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.jvmm.vmm.devices.Serial16550.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

class Serial16550Test {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Serial16550 uart = new Serial16550(out);

    @Test
    void transmitsEachByteAsWrittenAndFlushesIt() {
        List<String> seenAtFlush = new ArrayList<>();
        Serial16550 live = new Serial16550(new OutputStream() {
            final StringBuilder text = new StringBuilder();

            @Override
            public void write(int b) {
                text.append((char) b);
            }

            @Override
            public void flush() {
                seenAtFlush.add(text.toString());
            }
        });
        live.write(RBR_THR_DLL, 1, 'o');
        live.write(RBR_THR_DLL, 1, 'k');
        assertEquals(List.of("o", "ok"), seenAtFlush);
    }

    @Test
    void lineStatusSaysTheTransmitterIsAlwaysReady() {
        assertEquals(LSR_THRE | LSR_TEMT, uart.read(LSR, 1));
        for (byte b : "hello\n".getBytes(StandardCharsets.US_ASCII)) {
            assertEquals(LSR_THRE, uart.read(LSR, 1) & LSR_THRE);
            uart.write(RBR_THR_DLL, 1, b);
        }
        assertEquals("hello\n", out.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void divisorLatchIsReachedThroughDlabAndDoesNotTransmit() {
        uart.write(LCR, 1, LCR_DLAB | 0x03);
        uart.write(RBR_THR_DLL, 1, 0x0c);
        uart.write(IER_DLM, 1, 0x00);
        assertEquals(0x0c, uart.read(RBR_THR_DLL, 1));
        assertEquals(0, uart.read(IER_DLM, 1));
        uart.write(LCR, 1, 0x03);
        assertEquals(12, uart.divisor(), "9600 baud");
        assertEquals(0, out.size(), "writes to the divisor latch are not output");
        uart.write(IER_DLM, 1, 0xff);
        assertEquals(0x0f, uart.read(IER_DLM, 1), "IER keeps its four defined bits");
    }

    @Test
    void loopbackFeedsTheReceiverAndMirrorsModemLines() {
        uart.write(MCR, 1, MCR_LOOP | 0x0f);
        uart.write(RBR_THR_DLL, 1, 'x');
        assertEquals(0, out.size(), "loopback output does not leave the chip");
        assertEquals(LSR_DR, uart.read(LSR, 1) & LSR_DR);
        assertEquals('x', uart.read(RBR_THR_DLL, 1));
        assertEquals(0, uart.read(LSR, 1) & LSR_DR);
        assertEquals(MSR_CTS | MSR_DSR | MSR_RI | MSR_DCD, uart.read(MSR, 1));
        uart.write(MCR, 1, MCR_LOOP);
        assertEquals(0, uart.read(MSR, 1));
    }

    @Test
    void interruptIdentificationReflectsFifoAndEnables() {
        assertEquals(IIR_NO_INTERRUPT, uart.read(IIR_FCR, 1));
        uart.write(IIR_FCR, 1, FCR_ENABLE);
        assertEquals(IIR_FIFO_ENABLED | IIR_NO_INTERRUPT, uart.read(IIR_FCR, 1));
        uart.write(IER_DLM, 1, IER_THRI);
        assertEquals(IIR_FIFO_ENABLED | IIR_THRI, uart.read(IIR_FCR, 1));
    }

    @Test
    void scratchRegisterHoldsItsValue() {
        uart.write(SCR, 1, 0xa5);
        assertEquals(0xa5, uart.read(SCR, 1));
    }
}

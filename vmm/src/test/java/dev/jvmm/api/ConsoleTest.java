package dev.jvmm.api;

import dev.jvmm.vmm.MultibootKernels;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which console a VM gets, and how each output stream is passed on and kept; nothing boots. */
class ConsoleTest {

    @Test
    void theBundledKernelGetsTheVirtioConsoleAndOtherImagesCom1() {
        assertEquals(Console.VIRTIO, MicroVm.builder().build().console());
        assertEquals(Console.SERIAL, MicroVm.builder().console(Console.SERIAL).build().console());
        byte[] pvh = MicroVm.bundledFile("exitloop.img");
        assertEquals(Console.SERIAL, MicroVm.builder().image("exitloop", pvh).build().console());
        assertEquals(Console.VIRTIO, MicroVm.builder().image("exitloop", pvh).console(Console.VIRTIO).build().console());
    }

    @Test
    void aMultibootKernelHasCom1Only() throws IOException {
        MicroVm.Builder multiboot = MicroVm.builder().image(MultibootKernels.path(MultibootKernels.ELF32));
        assertEquals(Console.SERIAL, multiboot.build().console());
        JvmmException e = assertThrows(JvmmException.class, () -> multiboot.console(Console.VIRTIO).build().console());
        assertTrue(e.getMessage().startsWith("the virtio console is for PVH images; "), e.getMessage());
    }

    @Test
    void aCapturePassesEveryByteOnKeepsUpToItsLimitAndCutsLines() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        StreamCapture capture = new StreamCapture(out, lines::add, 5);
        byte[] binary = {'a', 0, (byte) 0xff, '\n', 'b', 'c', 'd'};
        capture.write(binary, 0, binary.length);
        capture.write('\n');
        capture.write('e');
        capture.finish();
        assertArrayEquals(new byte[] {'a', 0, (byte) 0xff, '\n', 'b', 'c', 'd', '\n', 'e'}, out.toByteArray());
        assertArrayEquals(new byte[] {'a', 0, (byte) 0xff, '\n', 'b'}, capture.bytes(), "kept up to the limit");
        assertEquals(List.of("a\0\ufffd", "bcd", "e"), lines, "the last line without its newline, at the end");
    }

    @Test
    void aFailingStreamKeepsWhatArrivedAndSaysSo() {
        StreamCapture capture = new StreamCapture(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        }, null, 100);
        byte[] bytes = "kept".getBytes(StandardCharsets.US_ASCII);
        assertThrows(IOException.class, () -> capture.write(bytes, 0, bytes.length), "the device learns of it");
        assertArrayEquals(bytes, capture.bytes());
    }
}

package dev.jvmm.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * One of the guest's output streams (COM1, the program's stdout or stderr): passed on to the
 * caller's stream and line listener as it arrives, and kept, up to a limit, for the result. A
 * failure of the caller's stream is the device's to handle (the virtio console tells the guest);
 * what was kept stays kept.
 */
final class StreamCapture extends OutputStream {
    private static final int MAX_LINE = 64 << 10;         // a guest that never ends a line gets it cut here

    private final OutputStream out;
    private final Consumer<String> lines;
    private final long limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    /**
     * @param out   where the bytes go as they arrive, or null
     * @param lines told each completed line, or null
     * @param limit how many bytes to keep
     */
    StreamCapture(OutputStream out, Consumer<String> lines, long limit) {
        this.out = out;
        this.lines = lines;
        this.limit = limit;
    }

    /** One byte, as COM1 sends them: nothing allocated. */
    @Override
    public void write(int b) throws IOException {
        if (kept.size() < limit) {
            kept.write(b);
        }
        if (lines != null) {
            toLine(b);
        }
        if (out != null) {
            out.write(b);
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        int keep = (int) Math.max(0, Math.min(length, limit - kept.size()));
        kept.write(bytes, offset, keep);
        if (lines != null) {
            for (int i = offset; i < offset + length; i++) {
                toLine(bytes[i]);
            }
        }
        if (out != null) {
            out.write(bytes, offset, length);
        }
    }

    private void toLine(int b) {
        if (b == '\n' || line.size() >= MAX_LINE) {
            lines.accept(line.toString(StandardCharsets.UTF_8));
            line.reset();
        }
        if (b != '\n') {
            line.write(b);
        }
    }

    @Override
    public void flush() throws IOException {
        if (out != null) {
            out.flush();
        }
    }

    /** The run is over: the last line, if it had no newline, goes to the listener; the stream is flushed. */
    void finish() {
        if (lines != null && line.size() > 0) {
            lines.accept(line.toString(StandardCharsets.UTF_8));
            line.reset();
        }
        try {
            flush();
        } catch (IOException e) {
            // the caller's stream is broken; the guest was told while it ran
        }
    }

    byte[] bytes() {
        return kept.toByteArray();
    }
}

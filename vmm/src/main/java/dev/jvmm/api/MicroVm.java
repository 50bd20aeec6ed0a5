package dev.jvmm.api;

import dev.jvmm.vmm.Machine;
import dev.jvmm.vmm.RunResult;
import dev.jvmm.vmm.boot.ArgumentBlock;
import dev.jvmm.vmm.boot.BootImage;
import dev.jvmm.vmm.boot.BootModule;
import dev.jvmm.vmm.boot.BootImages;
import dev.jvmm.vmm.boot.ElfImage;
import dev.jvmm.vmm.boot.Initramfs;
import dev.jvmm.vmm.boot.KernelCommandLine;
import dev.jvmm.vmm.boot.MultibootImage;
import dev.jvmm.vmm.devices.virtio.ConsoleSlot;
import dev.jvmm.vmm.files.CopyOutArchive;
import dev.jvmm.vmm.kvm.Kvm;
import dev.jvmm.vmm.memory.GuestMemory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * jvmm as a library: a microVM described by a builder, run to completion.
 *
 * <pre>{@code
 * VmResult result = MicroVm.builder()
 *         .program(Path.of("build/hello"), "world")      // a static x86-64 Linux executable
 *         .timeout(Duration.ofSeconds(10))
 *         .build()
 *         .run();
 * assert result.exitStatus() == 0;
 * assert result.programLines().equals(List.of("hello, world"));     // its stdout
 * }</pre>
 *
 * Each run creates its own VM (KVM objects, guest memory) and closes it before returning; runs may
 * go on in several threads at once. Failures of jvmm or of the host (a bad image, no usable
 * /dev/kvm) are {@link JvmmException}s; everything the guest does, dying included, is a result.
 */
public final class MicroVm {
    /** The bundled kernel's own programs, which {@link Builder#builtInProgram} runs by name. */
    public static final List<String> BUILT_IN_PROGRAMS = List.of("demo", "jvmm-bench");
    /**
     * The environment a program gets unless told otherwise, as container runtimes give one (docker
     * run: the same PATH, HOME=/root for uid 0): {@link Builder#env} adds to it and overrides it,
     * {@link Builder#environment} replaces it.
     */
    public static final SequencedMap<String, String> DEFAULT_ENVIRONMENT = defaultEnvironment();
    private static final long DEFAULT_CAPTURE_LIMIT = 16L << 20;

    private final Builder settings;

    private MicroVm(Builder settings) {
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    private static SequencedMap<String, String> defaultEnvironment() {
        SequencedMap<String, String> environment = new LinkedHashMap<>();
        environment.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        environment.put("HOME", "/root");
        return Collections.unmodifiableSequencedMap(environment);
    }

    /** Boots the VM and runs it until the guest exits, dies, or times out. */
    public VmResult run() {
        Builder s = settings;
        BootImage image = s.image != null ? s.image : BootImages.bundled();
        if (s.image == null) {
            KernelCommandLine.checkBundledKernelWords(s.cmdline);
        }
        Console console = console();
        KernelInput input = kernelInput();
        StreamCapture serial = new StreamCapture(s.serialOutput, s.serialLines, s.captureLimit);
        StreamCapture stdout = new StreamCapture(s.stdout, null, s.captureLimit);
        StreamCapture stderr = new StreamCapture(s.stderr, null, s.captureLimit);
        ConsoleSlot.Streams streams = console == Console.VIRTIO ? new ConsoleSlot.Streams(s.stdin, stdout, stderr) : null;
        RunResult result;
        Consumer<HostClock> onStart = s.onStart;
        List<CopiedDirectory> copied;
        try (CopyOutArchive copyOut = CopyOutArchive.create(s.copyOut, s.memory)) {
            try {
                result = Machine.run(new Machine.Config(image, s.memory, s.cpus, input.cmdline(), input.module(), List.copyOf(s.modules),
                        s.timeout, serial, clock -> onStart.accept(hostClock(clock)), s.traceExits, streams,
                        s.kvmDevice.toString(), copyOut.archive()));
            } finally {
                serial.finish();
                stdout.finish();
                stderr.finish();
            }
            copied = copyOut.unpack().stream().map(c -> new CopiedDirectory(c.mapping().guestDirectory(),
                    c.mapping().hostDirectory(), c.members(), c.bytes(), c.problem())).toList();
        }
        String output = new String(serial.bytes(), StandardCharsets.UTF_8);
        Outcome outcome = outcome(result.outcome());
        return new VmResult(outcome.exitStatus(), outcome, console, output, stdout.bytes(), stderr.bytes(),
                KernelReport.parse(output.lines().toList()), exits(result.exits()), result.elapsed(), hostClock(result.clock()),
                copied);
    }

    private static Outcome outcome(RunResult.Outcome outcome) {
        return switch (outcome) {
            case RunResult.Exited(int status) -> new Outcome.Exited(status);
            case RunResult.TimedOut(Duration timeout) -> new Outcome.TimedOut(timeout);
            case RunResult.GuestDied(String reason, String registers) -> new Outcome.GuestDied(reason, registers);
        };
    }

    private static ExitStatistics exits(RunResult.ExitStatistics exits) {
        Map<String, Long> byKind = new LinkedHashMap<>();
        exits.byKind().forEach((kind, count) -> byKind.put(kind.label(), count));
        return new ExitStatistics(exits.total(), Collections.unmodifiableMap(byKind),
                Collections.unmodifiableMap(new TreeMap<>(exits.byPort())),
                Collections.unmodifiableMap(new TreeMap<>(exits.unclaimedPorts())), exits.unclaimedMmio());
    }

    private static HostClock hostClock(RunResult.HostClock clock) {
        return new HostClock(clock.adjustClockFlags(), clock.tscKhz(), clock.tscStable());
    }

    /**
     * The console this VM gets: {@link Console#AUTO} resolved. A multiboot kernel has COM1 only:
     * asking it for the virtio console is a {@link JvmmException}.
     */
    public Console console() {
        BootImage image = settings.image;
        Console console = settings.console;
        if (console == Console.AUTO) {
            console = settings.image == null ? Console.VIRTIO : Console.SERIAL;
        }
        if (console == Console.VIRTIO && image instanceof MultibootImage) {
            throw new JvmmException("the virtio console is for PVH images; " + image.name()
                    + " is a multiboot kernel, whose console is COM1 (use the serial console)");
        }
        return console;
    }

    /**
     * The PVH module this VM's kernel is given: the argument block (argv and environment) and the
     * program after it, which QEMU takes as {@code -initrd} for the same run
     * (docs/boot-protocol.md); null for an image given without a program.
     */
    public byte[] initrd() {
        return kernelInput().module();
    }

    /** What the kernel is given: its command line, and the PVH module (argument block and program), or null. */
    record KernelInput(String cmdline, byte[] module) {}

    /**
     * The command line and the module, every input checked (before anything boots). Without a
     * program the bundled kernel runs its demo; another image gets no module.
     */
    KernelInput kernelInput() {
        Builder s = settings;
        List<String> argv = s.argv.isEmpty() && s.image == null ? List.of("demo") : s.argv;
        boolean builtIn = s.builtIn || s.argv.isEmpty();
        byte[] program = s.program;
        if (program == null && !builtIn) {
            if (s.initramfs != null && s.image == null) {
                program = s.initramfs.file(argv.getFirst());     // a path in the archive before a host file
            }
            if (program == null) {
                program = readProgram(Path.of(argv.getFirst()));
            }
        }
        if (!s.copyOut.isEmpty() && s.image != null) {
            throw new JvmmException("copy-out is the bundled kernel's; another image has no copy-out device driver");
        }
        String cmdline = KernelCommandLine.of(s.cmdline, KernelCommandLine.EntryPath.valueOf(s.entryPath.name()),
                s.copyOut.stream().map(CopyOutArchive.Mapping::guestDirectory).toList(), !argv.isEmpty());
        if (argv.isEmpty()) {
            return new KernelInput(cmdline, null);
        }
        List<byte[]> argvBytes = s.argvBytes != null ? s.argvBytes : argv.stream().map(MicroVm::utf8).toList();
        ArgumentBlock block = ArgumentBlock.ofBytes(argvBytes, List.copyOf(s.environment.values()));
        byte[] bytes = program == null ? new byte[0] : program;
        if (s.initramfs != null) {
            if (s.image != null) {
                throw new JvmmException("an initramfs is for the bundled kernel; give another image its files with --module");
            }
            if (program == null) {
                throw new JvmmException("with an initramfs the program is a file, in the archive or on the host; "
                        + argv.getFirst() + " is the kernel's built-in program");
            }
            return new KernelInput(cmdline, block.module(bytes, s.initramfs.withExecutablesPageAligned()));
        }
        return new KernelInput(cmdline, block.module(bytes));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static final class Builder {
        private BootImage image;
        private final List<BootModule> modules = new ArrayList<>();
        private long memory = 128L << 20;
        private int cpus = 1;
        private String cmdline = "";
        private List<String> argv = List.of();
        private List<byte[]> argvBytes;
        private byte[] program;
        /** Whether argv[0] names one of the kernel's own programs ({@link #builtInProgram}), read from no file. */
        private boolean builtIn;
        private Initramfs initramfs;
        /** "NAME=VALUE" entries as bytes, by name, in the order names were first set. */
        private final SequencedMap<ByteBuffer, byte[]> environment = new LinkedHashMap<>();
        private EntryPath entryPath = EntryPath.AUTO;
        private Duration timeout;
        private OutputStream serialOutput;
        private Consumer<String> serialLines;
        private Console console = Console.AUTO;
        private InputStream stdin;
        private OutputStream stdout;
        private OutputStream stderr;
        private long captureLimit = DEFAULT_CAPTURE_LIMIT;
        private PrintStream traceExits;
        private Consumer<HostClock> onStart = clock -> { };
        private Path kvmDevice = Path.of(Kvm.DEVICE);
        private final List<CopyOutArchive.Mapping> copyOut = new ArrayList<>();

        private Builder() {
            DEFAULT_ENVIRONMENT.forEach(this::env);
        }

        /** A PVH or multiboot v1 image instead of the bundled kernel (docs/boot-protocol.md). */
        public Builder image(Path path) {
            this.image = BootImages.read(path);
            return this;
        }

        /** An image given as bytes; {@code name} stands for its path (a multiboot kernel's command line starts with it). */
        public Builder image(String name, byte[] file) {
            this.image = BootImage.parse(name, file);
            return this;
        }

        /** An image read before (to report its protocol, say). */
        public Builder image(GuestImage image) {
            this.image = image.bootImage();
            return this;
        }

        /**
         * A multiboot module, after those added before: the file's contents, and the string
         * "FILE ARGS" (or "FILE" when {@code args} is null), as QEMU's -initrd "FILE ARGS" gives it.
         */
        public Builder module(Path file, String args) {
            return module(file.toString(), readFile("module", file), args);
        }

        public Builder module(String name, byte[] contents, String args) {
            this.modules.add(new BootModule(name, contents.clone(), args));
            return this;
        }

        /**
         * The bundled kernel's initramfs: a newc cpio archive (as Linux and {@code qemu -initrd}
         * take), unpacked into the guest's in-memory file system before the program starts. Checked
         * now: a corrupt or truncated archive is a {@link JvmmException}. The program (argv[0]) may
         * be a path in it.
         */
        public Builder initrd(Path archive) {
            return initrd(archive.toString(), readFile("initramfs", archive));
        }

        /** An initramfs given as bytes; {@code name} stands for its path in messages. */
        public Builder initrd(String name, byte[] archive) {
            this.initramfs = Initramfs.read(name, archive);
            return this;
        }

        public Builder memory(long bytes) {
            GuestMemory.checkSize(bytes);
            this.memory = bytes;
            return this;
        }

        /**
         * How many vCPUs (1 to 64, and no more than the host's KVM allows): vCPU 0 boots, the
         * others wait for the guest to start them with INIT and start-up IPIs, one host thread
         * each. The bundled kernel uses one and leaves the others waiting.
         */
        public Builder cpus(int count) {
            Machine.checkCpuCount(count);
            this.cpus = count;
            return this;
        }

        /** Extra words for the guest kernel's command line (docs/kernel.md). */
        public Builder cmdline(String words) {
            this.cmdline = Objects.requireNonNull(words);
            return this;
        }

        /** A static x86-64 Linux program for the kernel to run, the host's file, read now; argv[0] is {@code program} as given. */
        public Builder program(Path program, String... args) {
            List<String> list = new ArrayList<>(List.of(program.toString()));
            list.addAll(List.of(args));
            this.argv = List.copyOf(list);
            this.argvBytes = null;
            this.program = readProgram(program);
            this.builtIn = false;
            return this;
        }

        /** A program given as bytes, with its whole argv (argv[0] included). */
        public Builder program(byte[] elf, List<String> argv) {
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("argv needs at least argv[0]");
            }
            this.argv = List.copyOf(argv);
            this.argvBytes = null;
            this.program = elf.clone();
            this.builtIn = false;
            return this;
        }

        /** One of the bundled kernel's own programs ({@link #BUILT_IN_PROGRAMS}), with arguments. */
        public Builder builtInProgram(String name, String... args) {
            if (!BUILT_IN_PROGRAMS.contains(name)) {
                throw new IllegalArgumentException("no built-in program " + name + "; there are " + BUILT_IN_PROGRAMS);
            }
            List<String> list = new ArrayList<>(List.of(name));
            list.addAll(List.of(args));
            this.argv = List.copyOf(list);
            this.argvBytes = null;
            this.program = null;
            this.builtIn = true;
            return this;
        }

        /**
         * A program named by its whole argv: argv[0] is a path in the {@link #initrd initramfs} when
         * there is one and it holds that path, otherwise a file on the host, read when the VM is built
         * ({@link MicroVm#run}, {@link MicroVm#initrd}). Never one of the kernel's own programs: those
         * are {@link #builtInProgram}'s.
         */
        public Builder program(List<String> argv) {
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("argv needs at least argv[0]");
            }
            this.argv = List.copyOf(argv);
            this.argvBytes = null;
            this.program = null;
            this.builtIn = false;
            return this;
        }

        /**
         * The program's argv as bytes (any byte but NUL), one for each string of the program's argv,
         * for arguments that are not UTF-8 text: the program itself is still chosen by
         * {@link #program} or {@link #builtInProgram}, called before.
         */
        public Builder argvBytes(List<byte[]> bytes) {
            if (bytes.size() != argv.size()) {
                throw new IllegalArgumentException(bytes.size() + " argv strings as bytes for an argv of " + argv.size());
            }
            this.argvBytes = bytes.isEmpty() ? null : bytes.stream().map(byte[]::clone).toList();
            return this;
        }

        /**
         * Sets one environment variable of the program, over {@link #DEFAULT_ENVIRONMENT} and earlier
         * settings (a name set again keeps its place). The name must be non-empty, without '=' or NUL;
         * the value without NUL.
         */
        public Builder env(String name, String value) {
            if (name.indexOf('=') >= 0) {
                throw new JvmmException("environment variable name \"" + name + "\" may not contain '='");
            }
            return env(utf8(name + "=" + value));
        }

        /** One "NAME=VALUE" setting, as {@code jvmm run --env} takes it. */
        public Builder env(String setting) {
            return env(utf8(setting));
        }

        /** One "NAME=VALUE" setting as bytes: any byte but NUL, the name up to the first '=', non-empty. */
        public Builder env(byte[] setting) {
            int equals = 0;
            while (equals < setting.length && setting[equals] != '=') {
                equals++;
            }
            String text = new String(setting, StandardCharsets.UTF_8);
            if (equals == setting.length) {
                throw new JvmmException("environment setting \"" + text.replace("\0", "\\0") + "\" is not NAME=VALUE");
            }
            String name = text.substring(0, text.indexOf('='));
            if (equals == 0) {
                throw new JvmmException("an environment variable's name may not be empty");
            }
            for (int i = 0; i < setting.length; i++) {
                if (setting[i] == 0) {
                    throw new JvmmException(i < equals
                            ? "environment variable name \"" + name.replace("\0", "\\0") + "\" may not contain a NUL byte"
                            : "the value of environment variable " + name + " contains a NUL byte, which a C string cannot hold");
                }
            }
            environment.put(ByteBuffer.wrap(Arrays.copyOf(setting, equals)), setting.clone());
            return this;
        }

        /** The program's whole environment, in this order, instead of the defaults ({@code Map.of()} for none). */
        public Builder environment(Map<String, String> variables) {
            Builder checked = new Builder();
            checked.environment.clear();
            variables.forEach(checked::env);
            environment.clear();
            environment.putAll(checked.environment);
            return this;
        }

        public Builder entryPath(EntryPath path) {
            this.entryPath = Objects.requireNonNull(path);
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Where the program's streams go: {@link Console#AUTO} (the default: a virtio console for
         * the bundled kernel, COM1 for other images), {@link Console#VIRTIO} or {@link Console#SERIAL}.
         */
        public Builder console(Console console) {
            this.console = Objects.requireNonNull(console);
            return this;
        }

        /**
         * The program's standard input, on the virtio console (none by default: the program reads
         * end of file at once). A thread of the run reads it as the program consumes it, holding
         * at most 64 KiB; end of file reaches the program when the stream ends. If the run ends
         * first, that thread may still be blocked in a read: close the stream to end it.
         */
        public Builder stdin(InputStream in) {
            this.stdin = in;
            return this;
        }

        /**
         * Where the program's stdout goes on the virtio console, byte for byte as it writes it
         * (besides the result's capture). If the stream throws (a closed pipe), the program's
         * later writes to stdout fail with EPIPE.
         */
        public Builder stdout(OutputStream out) {
            this.stdout = out;
            return this;
        }

        /** Where the program's stderr goes on the virtio console, as {@link #stdout} for stdout. */
        public Builder stderr(OutputStream err) {
            this.stderr = err;
            return this;
        }

        /**
         * Where COM1's bytes go as the guest writes them (besides the result's capture): the
         * kernel's report, and, with the serial console, the program's output.
         */
        public Builder serialOutput(OutputStream out) {
            this.serialOutput = out;
            return this;
        }

        /** Called with each line of COM1 output as the guest completes it. */
        public Builder onSerialLine(Consumer<String> lines) {
            this.serialLines = lines;
            return this;
        }

        /** How much of each output (COM1, stdout, stderr) the result keeps (default 16 MiB); more is streamed but not kept. */
        public Builder captureLimit(long bytes) {
            this.captureLimit = bytes;
            return this;
        }

        /** Each VM exit, described as it happens. */
        public Builder traceExits(PrintStream trace) {
            this.traceExits = trace;
            return this;
        }

        /** Told what the host's KVM clock offers, once the VM exists and before it runs. */
        public Builder onStart(Consumer<HostClock> listener) {
            this.onStart = Objects.requireNonNull(listener);
            return this;
        }

        /**
         * At the end of the run, the guest's directory {@code guestDirectory} (an absolute path in
         * its file system, without spaces or commas) is copied into {@code hostDirectory} (made if
         * missing): its directories, regular files and symlinks, with their permission bits and
         * modification times, over what is there (docs/kernel.md, "Copy-out"). The result says
         * what came ({@link VmResult#copiedOut}). For the bundled kernel; one call per directory.
         */
        public Builder copyOut(String guestDirectory, Path hostDirectory) {
            if (!guestDirectory.startsWith("/") || guestDirectory.chars().anyMatch(c -> c == ' ' || c == ',' || c < 0x20)
                    || guestDirectory.getBytes(StandardCharsets.UTF_8).length >= Initramfs.PATH_MAX) {
                throw new JvmmException("copy-out directory \"" + guestDirectory + "\": the guest directory is an absolute "
                        + "path without spaces, commas or control characters, shorter than " + Initramfs.PATH_MAX + " bytes");
            }
            this.copyOut.add(new CopyOutArchive.Mapping(guestDirectory, hostDirectory.toAbsolutePath().normalize()));
            return this;
        }

        /** The KVM device to open instead of /dev/kvm (for diagnosis, and for tests of hosts without KVM). */
        public Builder kvmDevice(Path device) {
            this.kvmDevice = Objects.requireNonNull(device);
            return this;
        }

        public MicroVm build() {
            return new MicroVm(this);
        }
    }

    static byte[] readProgram(Path path) {
        return readFile("program", path);
    }

    private static byte[] readFile(String what, Path path) {
        try {
            if (Files.size(path) > GuestMemory.MAX_SIZE) {
                throw new JvmmException(what + " " + path + " is larger than any guest memory");
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new JvmmException(what + " " + path + " does not exist");
        } catch (IOException e) {
            throw new JvmmException("cannot read " + what + " " + path + ": " + e.getMessage());
        }
    }

    /** A file the guest-kernel jar bundles: guest.img (the bundled kernel), exitloop.img, vdso.so. */
    public static byte[] bundledFile(String name) {
        return BootImages.bundledFile(name);
    }
}

package dev.jvmm.vmm.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc calls the VMM makes, as FFM downcalls created once. Calls that can fail take a
 * {@link #errnoState} segment into which FFM captures {@code errno} right after the call, so the
 * value is the one the call set (the JVM itself may change errno afterwards).
 */
public final class Libc {
    private Libc() {}

    public static final int O_RDWR = 02;
    public static final int O_CLOEXEC = 02000000;
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MADV_DONTNEED = 4;
    public static final int SIG_BLOCK = 0;
    public static final int SIG_SETMASK = 2;
    public static final int SIGUSR1 = 10;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;

    /** glibc's sigset_t: 1024 bits; its first 8 bytes are the kernel's sigset. */
    public static final long SIGSET_SIZE = 128;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    // x86-64 system-call numbers (asm/unistd_64.h).
    private static final long SYS_OPEN = 2;
    private static final long SYS_CLOSE = 3;
    private static final long SYS_MMAP = 9;
    private static final long SYS_MUNMAP = 11;
    private static final long SYS_IOCTL = 16;
    private static final long SYS_MADVISE = 28;

    // Every system call on the path of a run (open, every KVM ioctl, mmap, munmap, madvise, close) goes
    // through libc's syscall(), one downcall shape linked once: each distinct shape costs FFM a stub
    // and method-handle classes spun at run time (milliseconds each at start-up), which the AOT cache
    // does not hold. syscall() is variadic (long syscall(long number, ...)): its arguments travel as
    // longs, pointers by their address; like the wrappers, it returns -1 with errno set on failure.
    // Each other downcall is linked the first time it is used (one holder class each): a run that
    // fails on nothing never needs strerror, one that never times out never needs the pthread calls.
    private static final class Syscall {
        static final MethodHandle HANDLE = downcall("syscall", FunctionDescriptor.of(JAVA_LONG,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                CAPTURE_ERRNO, Linker.Option.firstVariadicArg(1));
    }

    private static final class Strerror {
        static final MethodHandle HANDLE = downcall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    private static final class PthreadSelf {
        static final MethodHandle HANDLE = downcall("pthread_self", FunctionDescriptor.of(JAVA_LONG));
    }

    private static final class PthreadKill {
        static final MethodHandle HANDLE = downcall("pthread_kill", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    private static final class PthreadSigmask {
        static final MethodHandle HANDLE = downcall("pthread_sigmask", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }

    private static final class Sigtimedwait {
        static final MethodHandle HANDLE = downcall("sigtimedwait", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** A segment to receive errno from calls that take one; one per thread that makes calls. */
    public static MemorySegment errnoState(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    public static int errno(MemorySegment errnoState) {
        return (int) ERRNO.get(errnoState, 0L);
    }

    public static String strerror(int errno) {
        try {
            MemorySegment message = (MemorySegment) Strerror.HANDLE.invokeExact(errno);
            return message.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** One system call: its result, or -1 with errno in {@code errnoState}. */
    private static long syscall(MemorySegment errnoState, long number, long a1, long a2, long a3, long a4, long a5, long a6) {
        try {
            return (long) Syscall.HANDLE.invokeExact(errnoState, number, a1, a2, a3, a4, a5, a6);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A system call whose errno no one reads. */
    private static long syscall(long number, long a1, long a2, long a3) {
        try (Arena arena = Arena.ofConfined()) {
            return syscall(errnoState(arena), number, a1, a2, a3, 0, 0, 0);
        }
    }

    /** The address a system call is given for {@code segment}: native memory only (no Java heap array). */
    private static long address(MemorySegment segment) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("a system call needs native memory, not " + segment);
        }
        return segment.address();
    }

    public static int open(MemorySegment errnoState, String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) syscall(errnoState, SYS_OPEN, arena.allocateFrom(path).address(), flags, 0, 0, 0, 0);
        }
    }

    public static int close(int fd) {
        return (int) syscall(SYS_CLOSE, fd, 0, 0);
    }

    /** ioctl with a pointer argument (a struct the request reads or fills), or {@link MemorySegment#NULL}. */
    public static int ioctl(MemorySegment errnoState, int fd, long request, MemorySegment arg) {
        return ioctl(errnoState, fd, request, address(arg));
    }

    /** ioctl with an integer argument (a capability, a vCPU id, a machine type; 0 where the request takes none). */
    public static int ioctl(MemorySegment errnoState, int fd, long request, long arg) {
        return (int) syscall(errnoState, SYS_IOCTL, fd, request, arg, 0, 0, 0);
    }

    /** mmap; returns {@link MemorySegment#NULL} on failure (MAP_FAILED), with errno in the state. */
    public static MemorySegment mmap(MemorySegment errnoState, long length, int prot, int flags, int fd, long offset) {
        long address = syscall(errnoState, SYS_MMAP, 0, length, prot, flags, fd, offset);
        return address == -1L ? MemorySegment.NULL : MemorySegment.ofAddress(address);
    }

    public static void munmap(MemorySegment address, long length) {
        syscall(SYS_MUNMAP, address(address), length, 0);
    }

    /** madvise; returns 0, or -1 (a bad range or advice: the caller checked both). */
    public static int madvise(MemorySegment address, long length, int advice) {
        return (int) syscall(SYS_MADVISE, address(address), length, advice);
    }

    public static long pthreadSelf() {
        try {
            return (long) PthreadSelf.HANDLE.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** pthread_kill; returns 0 or an error number (pthread functions do not use errno). */
    public static int pthreadKill(long thread, int signal) {
        try {
            return (int) PthreadKill.HANDLE.invokeExact(thread, signal);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int pthreadSigmask(int how, MemorySegment set, MemorySegment oldSet) {
        try {
            return (int) PthreadSigmask.HANDLE.invokeExact(how, set, oldSet);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** sigtimedwait with a zero timeout: takes one pending signal of {@code set}, or returns -1. */
    public static int sigtimedwaitNow(MemorySegment set, MemorySegment zeroTimespec) {
        try {
            return (int) Sigtimedwait.HANDLE.invokeExact(set, MemorySegment.NULL, zeroTimespec);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A sigset_t holding exactly {@code signal}. */
    public static MemorySegment sigset(Arena arena, int signal) {
        MemorySegment set = arena.allocate(SIGSET_SIZE, 8);
        set.set(JAVA_LONG, 0, 1L << (signal - 1));
        return set;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}

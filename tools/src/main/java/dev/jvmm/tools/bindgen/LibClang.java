package dev.jvmm.tools.bindgen;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The part of libclang's C API (clang-c/Index.h) that the binding generator uses, over FFM.
 * Cursors and types are passed by value as in C; they live in the arena given at construction,
 * which is the lifetime of one generator run.
 */
final class LibClang {

    // clang-c/Index.h: enum CXCursorKind, CXTypeKind, CXEvalResultKind, CXChildVisitResult.
    static final int CURSOR_STRUCT_DECL = 2;
    static final int CURSOR_UNION_DECL = 3;
    static final int CURSOR_ENUM_DECL = 5;
    static final int CURSOR_ENUM_CONSTANT_DECL = 7;
    static final int CURSOR_FIELD_DECL = 6;
    static final int CURSOR_VAR_DECL = 9;
    static final int CURSOR_MACRO_DEFINITION = 501;

    static final int TYPE_BOOL = 3;
    static final int TYPE_CHAR_U = 4;
    static final int TYPE_UCHAR = 5;
    static final int TYPE_USHORT = 8;
    static final int TYPE_UINT = 9;
    static final int TYPE_ULONG = 10;
    static final int TYPE_ULONGLONG = 11;
    static final int TYPE_CHAR_S = 13;
    static final int TYPE_SCHAR = 14;
    static final int TYPE_SHORT = 16;
    static final int TYPE_INT = 17;
    static final int TYPE_LONG = 18;
    static final int TYPE_LONGLONG = 19;
    static final int TYPE_FLOAT = 21;
    static final int TYPE_DOUBLE = 22;
    static final int TYPE_POINTER = 101;
    static final int TYPE_RECORD = 105;
    static final int TYPE_ENUM = 106;
    static final int TYPE_CONSTANT_ARRAY = 112;
    static final int TYPE_INCOMPLETE_ARRAY = 114;

    static final int EVAL_INT = 1;

    private static final int VISIT_CONTINUE = 1;
    private static final int TU_DETAILED_PREPROCESSING_RECORD = 0x01;
    private static final int DIAGNOSTIC_ERROR = 3;

    static final StructLayout CURSOR = MemoryLayout.structLayout(
            JAVA_INT.withName("kind"), JAVA_INT.withName("xdata"),
            MemoryLayout.sequenceLayout(3, ADDRESS).withName("data"));
    static final StructLayout TYPE = MemoryLayout.structLayout(
            JAVA_INT.withName("kind"), MemoryLayout.paddingLayout(4),
            MemoryLayout.sequenceLayout(2, ADDRESS).withName("data"));
    private static final StructLayout STRING = MemoryLayout.structLayout(
            ADDRESS.withName("data"), JAVA_INT.withName("private_flags"), MemoryLayout.paddingLayout(4));
    private static final StructLayout SOURCE_LOCATION = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(2, ADDRESS).withName("ptr_data"),
            JAVA_INT.withName("int_data"), MemoryLayout.paddingLayout(4));
    private static final StructLayout UNSAVED_FILE = MemoryLayout.structLayout(
            ADDRESS.withName("Filename"), ADDRESS.withName("Contents"), JAVA_LONG.withName("Length"));

    private final Linker linker = Linker.nativeLinker();
    private final SymbolLookup lib;
    private final Arena arena;

    private final MethodHandle createIndex;
    private final MethodHandle disposeIndex;
    private final MethodHandle toggleCrashRecovery;
    private final MethodHandle parseTranslationUnit;
    private final MethodHandle disposeTranslationUnit;
    private final MethodHandle getNumDiagnostics;
    private final MethodHandle getDiagnostic;
    private final MethodHandle getDiagnosticSeverity;
    private final MethodHandle formatDiagnostic;
    private final MethodHandle disposeDiagnostic;
    private final MethodHandle getTranslationUnitCursor;
    private final MethodHandle visitChildren;
    private final MethodHandle getCursorKind;
    private final MethodHandle getCursorSpelling;
    private final MethodHandle getCString;
    private final MethodHandle disposeString;
    private final MethodHandle getCursorType;
    private final MethodHandle getCanonicalType;
    private final MethodHandle getTypeDeclaration;
    private final MethodHandle typeGetSizeOf;
    private final MethodHandle typeGetAlignOf;
    private final MethodHandle getArraySize;
    private final MethodHandle getArrayElementType;
    private final MethodHandle getOffsetOfField;
    private final MethodHandle typeGetOffsetOf;
    private final MethodHandle getClangVersion;
    private final MethodHandle isAnonymous;
    private final MethodHandle isAnonymousRecordDecl;
    private final MethodHandle isBitField;
    private final MethodHandle isCursorDefinition;
    private final MethodHandle isMacroFunctionLike;
    private final MethodHandle getCursorLocation;
    private final MethodHandle getExpansionLocation;
    private final MethodHandle getFileName;
    private final MethodHandle evaluate;
    private final MethodHandle evalGetKind;
    private final MethodHandle evalIsUnsigned;
    private final MethodHandle evalGetAsLongLong;
    private final MethodHandle evalGetAsUnsigned;
    private final MethodHandle evalDispose;
    private final MethodHandle enumConstantValue;
    private final MemorySegment visitorStub;

    /** The cursors collected by the current {@link #children} call (the visitor appends to it). */
    private List<MemorySegment> collected;

    LibClang(Path library, Arena arena) {
        if (!Files.exists(library)) {
            throw new IllegalStateException("libclang not found at " + library
                    + " (install it with: apt-get install libclang1-14 libclang-common-14-dev)");
        }
        this.arena = arena;
        this.lib = SymbolLookup.libraryLookup(library, arena);
        createIndex = fn("clang_createIndex", ADDRESS, JAVA_INT, JAVA_INT);
        disposeIndex = fnVoid("clang_disposeIndex", ADDRESS);
        toggleCrashRecovery = fnVoid("clang_toggleCrashRecovery", JAVA_INT);
        parseTranslationUnit = fn("clang_parseTranslationUnit",
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
        disposeTranslationUnit = fnVoid("clang_disposeTranslationUnit", ADDRESS);
        getNumDiagnostics = fn("clang_getNumDiagnostics", JAVA_INT, ADDRESS);
        getDiagnostic = fn("clang_getDiagnostic", ADDRESS, ADDRESS, JAVA_INT);
        getDiagnosticSeverity = fn("clang_getDiagnosticSeverity", JAVA_INT, ADDRESS);
        formatDiagnostic = fn("clang_formatDiagnostic", STRING, ADDRESS, JAVA_INT);
        disposeDiagnostic = fnVoid("clang_disposeDiagnostic", ADDRESS);
        getTranslationUnitCursor = fn("clang_getTranslationUnitCursor", CURSOR, ADDRESS);
        visitChildren = fn("clang_visitChildren", JAVA_INT, CURSOR, ADDRESS, ADDRESS);
        getCursorKind = fn("clang_getCursorKind", JAVA_INT, CURSOR);
        getCursorSpelling = fn("clang_getCursorSpelling", STRING, CURSOR);
        getCString = fn("clang_getCString", ADDRESS, STRING);
        disposeString = fnVoid("clang_disposeString", STRING);
        getCursorType = fn("clang_getCursorType", TYPE, CURSOR);
        getCanonicalType = fn("clang_getCanonicalType", TYPE, TYPE);
        getTypeDeclaration = fn("clang_getTypeDeclaration", CURSOR, TYPE);
        typeGetSizeOf = fn("clang_Type_getSizeOf", JAVA_LONG, TYPE);
        typeGetAlignOf = fn("clang_Type_getAlignOf", JAVA_LONG, TYPE);
        getArraySize = fn("clang_getArraySize", JAVA_LONG, TYPE);
        getArrayElementType = fn("clang_getArrayElementType", TYPE, TYPE);
        getOffsetOfField = fn("clang_Cursor_getOffsetOfField", JAVA_LONG, CURSOR);
        typeGetOffsetOf = fn("clang_Type_getOffsetOf", JAVA_LONG, TYPE, ADDRESS);
        getClangVersion = fn("clang_getClangVersion", STRING);
        isAnonymous = fn("clang_Cursor_isAnonymous", JAVA_INT, CURSOR);
        isAnonymousRecordDecl = fn("clang_Cursor_isAnonymousRecordDecl", JAVA_INT, CURSOR);
        isBitField = fn("clang_Cursor_isBitField", JAVA_INT, CURSOR);
        isCursorDefinition = fn("clang_isCursorDefinition", JAVA_INT, CURSOR);
        isMacroFunctionLike = fn("clang_Cursor_isMacroFunctionLike", JAVA_INT, CURSOR);
        getCursorLocation = fn("clang_getCursorLocation", SOURCE_LOCATION, CURSOR);
        getExpansionLocation = fnVoid("clang_getExpansionLocation",
                SOURCE_LOCATION, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        getFileName = fn("clang_getFileName", STRING, ADDRESS);
        evaluate = fn("clang_Cursor_Evaluate", ADDRESS, CURSOR);
        evalGetKind = fn("clang_EvalResult_getKind", JAVA_INT, ADDRESS);
        evalIsUnsigned = fn("clang_EvalResult_isUnsignedInt", JAVA_INT, ADDRESS);
        evalGetAsLongLong = fn("clang_EvalResult_getAsLongLong", JAVA_LONG, ADDRESS);
        evalGetAsUnsigned = fn("clang_EvalResult_getAsUnsigned", JAVA_LONG, ADDRESS);
        evalDispose = fnVoid("clang_EvalResult_dispose", ADDRESS);
        enumConstantValue = fn("clang_getEnumConstantDeclValue", JAVA_LONG, CURSOR);
        try {
            MethodHandle visitor = MethodHandles.lookup().findVirtual(LibClang.class, "visit",
                    MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, MemorySegment.class));
            visitorStub = linker.upcallStub(visitor.bindTo(this),
                    FunctionDescriptor.of(JAVA_INT, CURSOR, CURSOR, ADDRESS), arena);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private MethodHandle fn(String name, MemoryLayout result, MemoryLayout... args) {
        return linker.downcallHandle(symbol(name), FunctionDescriptor.of(result, args));
    }

    private MethodHandle fnVoid(String name, MemoryLayout... args) {
        return linker.downcallHandle(symbol(name), FunctionDescriptor.ofVoid(args));
    }

    private MemorySegment symbol(String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("libclang lacks " + name));
    }

    /** A parsed translation unit; {@link #close()} releases it. */
    final class TranslationUnit implements AutoCloseable {
        private final MemorySegment index;
        private final MemorySegment unit;

        private TranslationUnit(MemorySegment index, MemorySegment unit) {
            this.index = index;
            this.unit = unit;
        }

        MemorySegment cursor() {
            return (MemorySegment) invoke(getTranslationUnitCursor, arena, unit);
        }

        /** Every diagnostic at error severity or above, formatted as clang prints them. */
        List<String> errors() {
            List<String> errors = new ArrayList<>();
            int count = (int) invoke(getNumDiagnostics, unit);
            for (int i = 0; i < count; i++) {
                MemorySegment diagnostic = (MemorySegment) invoke(getDiagnostic, unit, i);
                if ((int) invoke(getDiagnosticSeverity, diagnostic) >= DIAGNOSTIC_ERROR) {
                    errors.add(string((MemorySegment) invoke(formatDiagnostic, arena, diagnostic, 0)));
                }
                invoke(disposeDiagnostic, diagnostic);
            }
            return errors;
        }

        @Override
        public void close() {
            invoke(disposeTranslationUnit, unit);
            invoke(disposeIndex, index);
        }
    }

    /** Parses {@code source} (held in memory, named {@code fileName}) with the compiler arguments given. */
    TranslationUnit parse(String fileName, String source, List<String> args) {
        MemorySegment index = (MemorySegment) invoke(createIndex, 0, 0);
        // clang_createIndex turns on LLVM's crash recovery, which replaces the process's SIGSEGV
        // handler; the JVM relies on its own (implicit null checks, safepoint polls), so a
        // fault the JVM expects would kill it. Turning recovery off puts the JVM's handlers back.
        invoke(toggleCrashRecovery, 0);
        MemorySegment argv = arena.allocate(ADDRESS, args.size());
        for (int i = 0; i < args.size(); i++) {
            argv.setAtIndex(ADDRESS, i, arena.allocateFrom(args.get(i)));
        }
        MemorySegment unsaved = arena.allocate(UNSAVED_FILE);
        MemorySegment contents = arena.allocateFrom(source);
        unsaved.set(ADDRESS, 0, arena.allocateFrom(fileName));
        unsaved.set(ADDRESS, 8, contents);
        unsaved.set(JAVA_LONG, 16, contents.byteSize() - 1);
        MemorySegment unit = (MemorySegment) invoke(parseTranslationUnit, index, arena.allocateFrom(fileName),
                argv, args.size(), unsaved, 1, TU_DETAILED_PREPROCESSING_RECORD);
        if (unit.equals(MemorySegment.NULL)) {
            invoke(disposeIndex, index);
            throw new IllegalStateException("libclang could not parse " + fileName);
        }
        return new TranslationUnit(index, unit);
    }

    /** The direct children of {@code cursor}, in source order. */
    List<MemorySegment> children(MemorySegment cursor) {
        List<MemorySegment> outer = collected;
        collected = new ArrayList<>();
        try {
            invoke(visitChildren, cursor, visitorStub, MemorySegment.NULL);
            return collected;
        } finally {
            collected = outer;
        }
    }

    @SuppressWarnings("unused") // called from native code through visitorStub
    private int visit(MemorySegment cursor, MemorySegment parent, MemorySegment data) {
        collected.add(arena.allocate(CURSOR).copyFrom(cursor));
        return VISIT_CONTINUE;
    }

    int kind(MemorySegment cursor) {
        return (int) invoke(getCursorKind, cursor);
    }

    String spelling(MemorySegment cursor) {
        return string((MemorySegment) invoke(getCursorSpelling, arena, cursor));
    }

    /** The canonical type of a cursor (typedefs and elaboration removed). */
    MemorySegment type(MemorySegment cursor) {
        MemorySegment type = (MemorySegment) invoke(getCursorType, arena, cursor);
        return (MemorySegment) invoke(getCanonicalType, arena, type);
    }

    static int typeKind(MemorySegment type) {
        return type.get(JAVA_INT, 0);
    }

    MemorySegment declaration(MemorySegment type) {
        return (MemorySegment) invoke(getTypeDeclaration, arena, type);
    }

    long sizeOf(MemorySegment type) {
        return (long) invoke(typeGetSizeOf, type);
    }

    long alignOf(MemorySegment type) {
        return (long) invoke(typeGetAlignOf, type);
    }

    long arraySize(MemorySegment type) {
        return (long) invoke(getArraySize, type);
    }

    MemorySegment arrayElementType(MemorySegment type) {
        return (MemorySegment) invoke(getCanonicalType, arena, (MemorySegment) invoke(getArrayElementType, arena, type));
    }

    /** Offset of a field within its record, in bits. */
    long fieldOffsetBits(MemorySegment cursor) {
        return (long) invoke(getOffsetOfField, cursor);
    }

    /** Offset in bits of the field named {@code field} in a record type, looking through anonymous members. */
    long offsetOfBits(MemorySegment recordType, String field) {
        return (long) invoke(typeGetOffsetOf, recordType, arena.allocateFrom(field));
    }

    String version() {
        return string((MemorySegment) invoke(getClangVersion, arena));
    }

    boolean isAnonymous(MemorySegment cursor) {
        return (int) invoke(isAnonymous, cursor) != 0;
    }

    /** True for a struct or union member that has neither a tag nor a field name (C11 anonymous member). */
    boolean isAnonymousRecordDecl(MemorySegment cursor) {
        return (int) invoke(isAnonymousRecordDecl, cursor) != 0;
    }

    boolean isBitField(MemorySegment cursor) {
        return (int) invoke(isBitField, cursor) != 0;
    }

    boolean isDefinition(MemorySegment cursor) {
        return (int) invoke(isCursorDefinition, cursor) != 0;
    }

    boolean isMacroFunctionLike(MemorySegment cursor) {
        return (int) invoke(isMacroFunctionLike, cursor) != 0;
    }

    /** The file a cursor was written in (after macro expansion), or "" for built-ins. */
    String fileOf(MemorySegment cursor) {
        MemorySegment location = (MemorySegment) invoke(getCursorLocation, arena, cursor);
        MemorySegment file = arena.allocate(ADDRESS);
        invoke(getExpansionLocation, location, file, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL);
        MemorySegment handle = file.get(ADDRESS, 0);
        if (handle.equals(MemorySegment.NULL)) {
            return "";
        }
        return string((MemorySegment) invoke(getFileName, arena, handle));
    }

    /** An integer constant: its value (two's complement bits) and whether C typed it unsigned. */
    record IntegerValue(long bits, boolean unsigned) {}

    /** Evaluates a variable's initializer as clang's constant evaluator does; null when it is not an integer. */
    IntegerValue evaluateInteger(MemorySegment cursor) {
        MemorySegment result = (MemorySegment) invoke(evaluate, cursor);
        if (result.equals(MemorySegment.NULL)) {
            return null;
        }
        try {
            if ((int) invoke(evalGetKind, result) != EVAL_INT) {
                return null;
            }
            boolean unsigned = (int) invoke(evalIsUnsigned, result) != 0;
            long bits = unsigned ? (long) invoke(evalGetAsUnsigned, result) : (long) invoke(evalGetAsLongLong, result);
            return new IntegerValue(bits, unsigned);
        } finally {
            invoke(evalDispose, result);
        }
    }

    long enumConstantValue(MemorySegment cursor) {
        return (long) invoke(enumConstantValue, cursor);
    }

    private String string(MemorySegment cxString) {
        MemorySegment chars = (MemorySegment) invoke(getCString, cxString);
        String value = chars.equals(MemorySegment.NULL) ? "" : chars.reinterpret(Long.MAX_VALUE).getString(0);
        invoke(disposeString, cxString);
        return value;
    }

    private static Object invoke(MethodHandle handle, Object... args) {
        try {
            return handle.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}

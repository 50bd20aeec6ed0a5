package dev.jvmm.tools.bindgen;

import dev.jvmm.tools.bindgen.CModel.AnonymousMember;
import dev.jvmm.tools.bindgen.CModel.Array;
import dev.jvmm.tools.bindgen.CModel.CType;
import dev.jvmm.tools.bindgen.CModel.Constant;
import dev.jvmm.tools.bindgen.CModel.Field;
import dev.jvmm.tools.bindgen.CModel.InlineRecord;
import dev.jvmm.tools.bindgen.CModel.Member;
import dev.jvmm.tools.bindgen.CModel.NamedRecord;
import dev.jvmm.tools.bindgen.CModel.Pointer;
import dev.jvmm.tools.bindgen.CModel.Record;
import dev.jvmm.tools.bindgen.CModel.Scalar;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;

import static dev.jvmm.tools.bindgen.LibClang.*;

/**
 * Reads C declarations out of headers with libclang: the records asked for (and every record they
 * embed), and every integer constant the selected headers define, as macros or enumerators.
 *
 * <p>Macro values come from clang's own constant evaluator, as jextract does it: each object-like
 * macro {@code M} becomes {@code __auto_type jvmm_const_M = (M);} in a second translation unit, and
 * the variable's initializer is evaluated. Whatever does not evaluate to an integer (empty macros,
 * strings, include guards) is left out.
 */
final class HeaderReader {
    private static final String CONSTANT_PREFIX = "jvmm_const_";

    private final LibClang clang;
    private final List<String> headers;
    private final List<String> compilerArgs;
    private final Set<String> constantHeaders;

    HeaderReader(LibClang clang, List<String> headers, List<String> compilerArgs, Set<String> constantHeaders) {
        this.clang = clang;
        this.headers = headers;
        this.compilerArgs = compilerArgs;
        this.constantHeaders = constantHeaders;
    }

    record Result(SequencedMap<String, Record> records, List<Constant> constants) {}

    Result read(List<String> structNames) {
        String includes = headers.stream().map(h -> "#include <" + h + ">\n").reduce("", String::concat);
        Map<String, MemorySegment> recordDecls = new HashMap<>();
        SequencedMap<String, String> macros = new LinkedHashMap<>();
        List<Constant> enumerators = new ArrayList<>();
        try (LibClang.TranslationUnit unit = parse(includes)) {
            for (MemorySegment cursor : clang.children(unit.cursor())) {
                int kind = clang.kind(cursor);
                String header = constantHeaderOf(cursor);
                if ((kind == CURSOR_STRUCT_DECL || kind == CURSOR_UNION_DECL) && clang.isDefinition(cursor)) {
                    recordDecls.putIfAbsent(clang.spelling(cursor), cursor);
                    continue;
                }
                if (header == null) {
                    continue;
                }
                if (kind == CURSOR_MACRO_DEFINITION && !clang.isMacroFunctionLike(cursor)) {
                    macros.putIfAbsent(clang.spelling(cursor), header);
                } else if (kind == CURSOR_ENUM_DECL) {
                    for (MemorySegment constant : clang.children(cursor)) {
                        if (clang.kind(constant) == CURSOR_ENUM_CONSTANT_DECL) {
                            long value = clang.enumConstantValue(constant);
                            enumerators.add(new Constant(clang.spelling(constant), value, fitsInt(value, false, 4), header));
                        }
                    }
                }
            }
            SequencedMap<String, Record> records = readRecords(structNames, recordDecls);
            // kvm.h defines some enumerators also as macros of the same name: keep one of each.
            SequencedMap<String, Constant> constants = new LinkedHashMap<>();
            for (Constant constant : evaluateMacros(includes, macros)) {
                constants.put(constant.name(), constant);
            }
            enumerators.forEach(constant -> constants.putIfAbsent(constant.name(), constant));
            return new Result(records, List.copyOf(constants.values()));
        }
    }

    private LibClang.TranslationUnit parse(String source) {
        LibClang.TranslationUnit unit = clang.parse("jvmm_bindgen.c", source, compilerArgs);
        List<String> errors = unit.errors();
        if (!errors.isEmpty()) {
            unit.close();
            throw new IllegalStateException("clang reported errors:\n  " + String.join("\n  ", errors));
        }
        return unit;
    }

    /** The constant header (as named on the command line) a cursor was declared in, or null. */
    private String constantHeaderOf(MemorySegment cursor) {
        String file = clang.fileOf(cursor);
        for (String header : constantHeaders) {
            if (file.endsWith("/" + header)) {
                return header;
            }
        }
        return null;
    }

    private List<Constant> evaluateMacros(String includes, SequencedMap<String, String> macros) {
        StringBuilder source = new StringBuilder(includes);
        macros.keySet().forEach(name ->
                source.append("__auto_type ").append(CONSTANT_PREFIX).append(name).append(" = (").append(name).append(");\n"));
        List<Constant> constants = new ArrayList<>();
        // Macros that are not expressions make this unit report errors by design; those are skipped.
        try (LibClang.TranslationUnit unit = clang.parse("jvmm_bindgen_constants.c", source.toString(), compilerArgs)) {
            for (MemorySegment cursor : clang.children(unit.cursor())) {
                String spelling = clang.spelling(cursor);
                if (clang.kind(cursor) != CURSOR_VAR_DECL || !spelling.startsWith(CONSTANT_PREFIX)) {
                    continue;
                }
                LibClang.IntegerValue value = clang.evaluateInteger(cursor);
                if (value == null) {
                    continue;
                }
                String name = spelling.substring(CONSTANT_PREFIX.length());
                long size = clang.sizeOf(clang.type(cursor));
                constants.add(new Constant(name, value.bits(), fitsInt(value.bits(), value.unsigned(), size), macros.get(name)));
            }
        }
        return constants;
    }

    /** A 32-bit C constant reads as a Java int unless it is unsigned and above INT_MAX. */
    private static boolean fitsInt(long bits, boolean unsigned, long size) {
        return size <= 4 && (unsigned ? bits >= 0 && bits <= Integer.MAX_VALUE : bits == (int) bits);
    }

    private SequencedMap<String, Record> readRecords(List<String> names, Map<String, MemorySegment> decls) {
        SequencedMap<String, Record> records = new LinkedHashMap<>();
        Deque<String> pending = new ArrayDeque<>(names);
        Set<String> seen = new LinkedHashSet<>(names);
        while (!pending.isEmpty()) {
            String name = pending.removeFirst();
            MemorySegment decl = decls.get(name);
            if (decl == null) {
                throw new IllegalArgumentException("no definition of struct or union '" + name + "' in " + headers);
            }
            List<String> referenced = new ArrayList<>();
            records.put(name, readRecord(decl, name, referenced));
            for (String dependency : referenced) {
                if (seen.add(dependency)) {
                    pending.addLast(dependency);
                }
            }
        }
        return records;
    }

    private Record readRecord(MemorySegment decl, String name, List<String> referenced) {
        MemorySegment type = clang.type(decl);
        List<Member> members = new ArrayList<>();
        int anonymous = 0;
        for (MemorySegment child : clang.children(decl)) {
            int kind = clang.kind(child);
            if (kind == CURSOR_FIELD_DECL) {
                if (clang.isBitField(child)) {
                    continue; // No layout for bit-fields; their bytes become padding, as in jextract.
                }
                String fieldName = clang.spelling(child);
                CType fieldType = readType(clang.type(child), fieldName, referenced);
                members.add(new Field(fieldName, clang.fieldOffsetBits(child) / 8, fieldType));
            } else if ((kind == CURSOR_STRUCT_DECL || kind == CURSOR_UNION_DECL) && clang.isAnonymousRecordDecl(child)) {
                Record inner = readRecord(child, "$anon" + anonymous, referenced);
                long offset = offsetOfAnonymous(type, inner);
                members.add(new AnonymousMember("$anon" + anonymous++, offset, inner));
            }
        }
        return new Record(name, clang.kind(decl) == CURSOR_UNION_DECL, clang.sizeOf(type), clang.alignOf(type), members);
    }

    /** clang gives no offset for an anonymous member itself; derive it from its first field's. */
    private long offsetOfAnonymous(MemorySegment enclosingType, Record inner) {
        Member first = inner.members().getFirst();
        while (first instanceof AnonymousMember nested) {
            first = nested.record().members().getFirst();
        }
        long offsetInEnclosing = clang.offsetOfBits(enclosingType, ((Field) first).name()) / 8;
        return offsetInEnclosing - offsetWithin(inner, ((Field) first).name());
    }

    private static long offsetWithin(Record record, String fieldName) {
        for (Member member : record.members()) {
            switch (member) {
                case Field field when field.name().equals(fieldName) -> {
                    return field.offset();
                }
                case AnonymousMember nested -> {
                    long inner = offsetWithin(nested.record(), fieldName);
                    if (inner >= 0) {
                        return nested.offset() + inner;
                    }
                }
                default -> { }
            }
        }
        return -1;
    }

    private CType readType(MemorySegment type, String fieldName, List<String> referenced) {
        int kind = typeKind(type);
        return switch (kind) {
            case TYPE_BOOL -> new Scalar("JAVA_BOOLEAN", "boolean", 1);
            case TYPE_CHAR_U, TYPE_UCHAR, TYPE_CHAR_S, TYPE_SCHAR -> new Scalar("JAVA_BYTE", "byte", 1);
            case TYPE_USHORT, TYPE_SHORT -> new Scalar("JAVA_SHORT", "short", 2);
            case TYPE_UINT, TYPE_INT, TYPE_ENUM -> new Scalar("JAVA_INT", "int", 4);
            case TYPE_ULONG, TYPE_LONG, TYPE_ULONGLONG, TYPE_LONGLONG -> new Scalar("JAVA_LONG", "long", 8);
            case TYPE_FLOAT -> new Scalar("JAVA_FLOAT", "float", 4);
            case TYPE_DOUBLE -> new Scalar("JAVA_DOUBLE", "double", 8);
            case TYPE_POINTER -> new Pointer();
            case TYPE_CONSTANT_ARRAY -> new Array(readType(clang.arrayElementType(type), fieldName, referenced), clang.arraySize(type));
            case TYPE_INCOMPLETE_ARRAY -> new Array(readType(clang.arrayElementType(type), fieldName, referenced), 0);
            case TYPE_RECORD -> {
                MemorySegment decl = clang.declaration(type);
                if (clang.isAnonymous(decl)) {
                    yield new InlineRecord(readRecord(decl, fieldName, referenced));
                }
                String name = clang.spelling(decl);
                referenced.add(name);
                yield new NamedRecord(name, clang.sizeOf(type), clang.alignOf(type));
            }
            default -> throw new IllegalArgumentException(
                    "field '" + fieldName + "' has a C type the generator does not map (CXTypeKind " + kind + ")");
        };
    }
}

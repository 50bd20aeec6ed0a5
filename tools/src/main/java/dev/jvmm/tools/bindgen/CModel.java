package dev.jvmm.tools.bindgen;

import java.util.List;

/** What the generator knows about the C declarations it binds: records, their members and field types. */
final class CModel {
    private CModel() {}

    /** A field's C type, reduced to what a memory layout needs. */
    sealed interface CType {
        long size();

        long alignment();
    }

    /** A scalar: {@code layout} is the ValueLayout constant, {@code carrier} the Java type it reads as. */
    record Scalar(String layout, String carrier, long size) implements CType {
        public long alignment() {
            return size;
        }
    }

    record Pointer() implements CType {
        public long size() {
            return 8;
        }

        public long alignment() {
            return 8;
        }
    }

    /** A C array; {@code count} 0 stands for a flexible array member ({@code T x[]} or {@code T x[0]}). */
    record Array(CType element, long count) implements CType {
        public long size() {
            return element.size() * count;
        }

        public long alignment() {
            return element.alignment();
        }

        boolean flexible() {
            return count == 0;
        }
    }

    /** A struct or union declared with a tag elsewhere: it gets a class of its own. */
    record NamedRecord(String name, long size, long alignment) implements CType {}

    /** A struct or union type written inline at its only field: a class nested in the enclosing one. */
    record InlineRecord(Record record) implements CType {
        public long size() {
            return record.size();
        }

        public long alignment() {
            return record.alignment();
        }
    }

    /** A struct or union definition. */
    record Record(String name, boolean union, long size, long alignment, List<Member> members) {}

    sealed interface Member {
        long offset();

        long size();
    }

    record Field(String name, long offset, CType type) implements Member {
        public long size() {
            return type.size();
        }
    }

    /** A C11 anonymous struct or union member: its fields read as fields of the enclosing record. */
    record AnonymousMember(String layoutName, long offset, Record record) implements Member {
        public long size() {
            return record.size();
        }
    }

    /** An integer constant: a macro that evaluates to an integer, or an enumerator. */
    record Constant(String name, long value, boolean fitsInt, String header) {}
}

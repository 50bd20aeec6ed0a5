#!/bin/sh
# Fails when a kernel object uses an instruction outside tools/kernel-insns.allow: on PVM hosts
# every supervisor-mode instruction runs through KVM's instruction emulator, and one it lacks
# ends the VM (docs/kernel.md, "What the kernel may execute").
#   tools/check-kernel-insns.sh <kernel objects...>
# The boot path's 32-bit part (boot.s, up to boot_long_mode) is disassembled as i386 code. Besides
# the mnemonic, operands on SSE, MMX or x87 registers are refused (the list allows only integer
# forms).
set -eu
allow=$(dirname "$0")/kernel-insns.allow
for object in "$@"; do
    if objdump -h "$object" | grep -q ' \.boot\.text '; then
        switch=$(nm "$object" | awk '$3 == "boot_long_mode" { print "0x" $1 }')
        objdump -d --no-show-raw-insn -M i386 -j .boot.text --stop-address="$switch" "$object"
        objdump -d --no-show-raw-insn -j .boot.text --start-address="$switch" "$object"
    fi
    objdump -d --no-show-raw-insn -j .text "$object"
done | awk -v allow="$allow" '
    BEGIN {
        while ((getline line < allow) > 0) {
            sub(/#.*/, "", line)
            n = split(line, word, " ")
            if (n == 0) continue
            if (n == 1) anywhere[word[1]] = 1
            else if (word[1] == "rep" || word[1] == "lock") anywhere[word[1] " " word[2]] = 1
            else only[word[1] " " word[2]] = 1
        }
    }
    /^[^ ].*file format/ { object = $1; sub(/:$/, "", object) }
    /^[0-9a-f]+ <.*>:$/ { symbol = $2; gsub(/[<>:]/, "", symbol) }
    /^ *[0-9a-f]+:\t/ {
        split($0, field, "\t")
        n = split(field[2], word, " ")
        if (n == 0) next
        m = word[1]
        if ((m == "rep" || m == "lock") && n > 1) m = m " " word[2]
        if ((symbol " " m) in only) next
        # Register forms emulate.c decodes otherwise: SSE/MMX/x87 registers (a "movq" to an XMM
        # register is 66 0F D6 or F3 0F 7E, NotImpl), FNSTSW AX (DF E0, no escape_df).
        if (m in anywhere && field[2] !~ /%([xyz]mm|mm[0-7]|st)/ && !(m == "fnstsw" && field[2] ~ /%ax/)) next
        printf "%s: %s: %s: not emulated by KVM (tools/kernel-insns.allow)\n", object, symbol, field[2] > "/dev/stderr"
        bad = 1
    }
    END { exit bad }'

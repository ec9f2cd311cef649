// `leakwatch mtrace` on a damaged log: each malformed line is reported with
// its line number, skipped and counted (in errors); the rest is analysed.
// A missing log is one error line and exit 1. An old-glibc log with
// absolute addresses of a PIE and no (symbol+offset) caller to place it
// says so and shows the frame unsymbolized.
//
// RUN: printf '= Start\n@ ./prog:[0x1] + 0x1000 0x30\nbogus line\n@ ./prog:[0x1] + 0x2000\n@ [0x7f0000001234] + 0x3000 0x10\n@ [0x7f0000001234] - 0x2000\n= End\n' > %t.log
// RUN: %leakwatch mtrace %t.log 2>&1 | %check
// RUN: %leakwatch mtrace --format json %t.log 2>&1 | %check-json
// RUN: expect_exit 1 %leakwatch mtrace %t.missing 2>&1 | %check --prefix=MISSING
// RUN: cp /bin/true %T/pieprog && printf '@ %T/pieprog:[0x55d1c2a011d6] + 0x1000 0x7\n' > %t.abs.log
// RUN: %leakwatch mtrace %t.abs.log 2>&1 | %check --prefix=ABS

int main(void) { return 0; }

// CHECK: leakwatch: warning: {{.*}}.log:3: expected one of '= @ + - < > !' at the start of the record; line skipped
// CHECK-NEXT: leakwatch: warning: {{.*}}.log:4: expected a hexadecimal size after the pointer; line skipped
// CHECK: leakwatch: error: free_of_unknown_pointer: 1 free() of pointer(s) the log never allocated (first 0x2000, {{.*}}.log:6)
// CHECK: leakwatch: error: malformed_lines: 2 line(s) of {{.*}}.log were not mtrace records and were skipped
// CHECK: Leak of 48 byte(s) in 1 object(s) allocated from:
// CHECK: Leak of 16 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x7f0000001233 (<unknown module>)
// CHECK: SUMMARY: leakwatch: 64 byte(s) leaked in 2 allocation(s); 2 allocations, 1 frees.

// JSON-SUMMARY: leaked_bytes=64 leaked_blocks=2 untracked_frees=1
// JSON-LEAK: bytes=48 blocks=1
// JSON-LEAK: bytes=16 blocks=1
// JSON-FIELD: process.pid=0

// MISSING: leakwatch: error: cannot open {{.*}}.missing: No such file or directory

// ABS: leakwatch: warning: {{.*}}pieprog: 1 caller(s) are absolute addresses in a position-independent object
// ABS: Leak of 7 byte(s) in 1 object(s) allocated from:
// ABS-NEXT: #0 0x55d1c2a011d5 ({{.*}}pieprog+0x55d1c2a011d5)

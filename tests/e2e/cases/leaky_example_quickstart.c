// The README quick start: examples/leaky_server.c (built like the example
// target, -g -O1) leaks the request buffer on its error path and drops the
// session list; leakwatch finds exactly those two sites.
//
// RUN: %cc -g -O1 %S/../../../examples/leaky_server.c -o %t
// RUN: %t > %T/out.txt
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %leakwatch run --format json -- %t 2>&1 | %check-json

// CHECK: handled 6 request(s), 2 rejected
// The dropped list is one direct leak (its head) and two indirect ones (the
// nodes the head points to), as Valgrind and LeakSanitizer count it.
// CHECK: Direct leak of {{[0-9]+}} byte(s) in 2 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in {{handle_request|main}} {{.*}}leaky_server.c:{{[0-9]+}}
// CHECK: Direct leak of {{[0-9]+}} byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in {{session_open|main}} {{.*}}leaky_server.c:{{[0-9]+}}
// CHECK: Indirect leak of {{[0-9]+}} byte(s) in 2 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in {{session_open|main}} {{.*}}leaky_server.c:{{[0-9]+}}
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: {{[0-9]+}} byte(s) leaked in 5 allocation(s)

// JSON-SUMMARY: leaked_blocks=5 definite_blocks=3 indirect_blocks=2
// JSON-LEAK: blocks=1 kinds=malloc frames={{session_open|main}}@leaky_server.c
// JSON-LEAK: blocks=2 kinds=malloc frames={{session_open|main}}@leaky_server.c
// JSON-LEAK: blocks=2 kinds=malloc frames={{handle_request|main}}@leaky_server.c

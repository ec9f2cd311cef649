// --format valgrind-xml: leakwatch's XML parses, has Valgrind's protocol-4
// shape, and lists the same leaks as Valgrind's own XML for the same
// program: equal multisets of (kind, leakedbytes, leakedblocks, top function).
//
// REQUIRES: valgrind
// RUN: %cc -g -O0 %s -o %t
// RUN: valgrind --leak-check=full --xml=yes --xml-file=%t.valgrind.xml %t
// RUN: %leakwatch run --format valgrind-xml --output %t.leakwatch.xml -- %t
// RUN: %python %S/../inputs/valgrind_xml_compare.py %t.valgrind.xml %t.leakwatch.xml
// RUN: %check --input %t.leakwatch.xml

#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void *small_block(void) {
  return malloc(24);  // @small
}

__attribute__((noinline)) void *zeroed_block(void) {
  return calloc(10, 5);  // @zeroed
}

__attribute__((noinline)) void *big_block(void) {
  return malloc(100);
}

int main(void) {
  for (int i = 0; i < 3; i++) small_block();
  for (int i = 0; i < 2; i++) big_block();
  zeroed_block();
  for (int i = 0; i < 100; i++) free(malloc((size_t)i + 1));
  return 0;
}

// CHECK: <protocolversion>4</protocolversion>
// CHECK: <kind>Leak_DefinitelyLost</kind>
// CHECK-NEXT: <xwhat>
// CHECK-NEXT: <text>200 bytes in 2 blocks are definitely lost in loss record 1 of 3</text>
// CHECK: <kind>Leak_DefinitelyLost</kind>
// CHECK: <text>72 bytes in 3 blocks are definitely lost in loss record 2 of 3</text>
// CHECK: <fn>small_block</fn>
// CHECK-NEXT: <dir>{{.*}}</dir>
// CHECK-NEXT: <file>report_valgrind_xml.c</file>
// CHECK-NEXT: <line>[[@small]]</line>
// CHECK: <text>50 bytes in 1 blocks are definitely lost in loss record 3 of 3</text>
// CHECK: <fn>zeroed_block</fn>
// CHECK: </valgrindoutput>

// Mismatched deallocation (malloc -> delete, new -> free, new[] -> delete,
// new -> delete[]) and sized delete with the wrong size: each is reported
// with the bad call's and the allocation's stack. The block itself is valid,
// so it is still released (no leak is reported) and the program continues.
// With --halt-on-error the first one stops the program with SIGABRT.
//
// RUN: %cxx -std=c++17 -g -O0 -fsized-deallocation %s -o %t
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %leakwatch run --format json -- %t 2>&1 | %check-json
// RUN: %leakwatch run --format valgrind-xml -- %t 2>&1 | %check --prefix=XML
// RUN: expect_exit 134 %leakwatch run --halt-on-error -- %t 2>&1 | %check --prefix=HALT
// RUN: expect_exit 5 %leakwatch run --error-exitcode 5 --errors-for wrong_delete_size -- %t 2>&1 | %check
// RUN: expect_exit 0 %leakwatch run --error-exitcode 5 --errors-for double_free -- %t 2>&1 | %check

#include <cstdio>
#include <cstdlib>
#include <new>

struct Pair {
  long a, b;
};

int main() {
  Pair *from_malloc = static_cast<Pair *>(std::malloc(sizeof(Pair)));  // @alloc_malloc
  delete from_malloc;  // @bad_delete
  std::printf("after malloc/delete\n");

  Pair *from_new = new Pair{1, 2};  // @alloc_new
  std::free(from_new);  // @bad_free
  std::printf("after new/free\n");

  Pair *from_new_array = new Pair[4];  // @alloc_new_array
  delete from_new_array;  // @bad_scalar_delete
  std::printf("after new[]/delete\n");

  Pair *scalar = new Pair{3, 4};  // @alloc_scalar
  delete[] scalar;  // @bad_array_delete
  std::printf("after new/delete[]\n");

  void *raw = ::operator new(48);  // @alloc_sized
  ::operator delete(raw, 40);  // @bad_size
  std::printf("after sized delete\n");
  return 0;
}

// CHECK: after malloc/delete
// CHECK: after new/free
// CHECK: after new[]/delete
// CHECK: after new/delete[]
// CHECK: after sized delete
// CHECK: Memory error (mismatched_free): delete of a block allocated by malloc (16 byte(s) at 0x{{[0-9a-f]+}}, from malloc)
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_mismatch.cpp:[[@bad_delete]]
// CHECK: allocated by malloc at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_mismatch.cpp:[[@alloc_malloc]]
// CHECK: Memory error (mismatched_free): free() of a block allocated by new (16 byte(s)
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_mismatch.cpp:[[@bad_free]]
// CHECK: allocated by new at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_mismatch.cpp:[[@alloc_new]]
// CHECK: Memory error (mismatched_free): delete of a block allocated by new[] (64 byte(s)
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_mismatch.cpp:[[@bad_scalar_delete]]
// CHECK: allocated by new[] at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_mismatch.cpp:[[@alloc_new_array]]
// CHECK: Memory error (mismatched_free): delete[] of a block allocated by new (16 byte(s)
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_mismatch.cpp:[[@bad_array_delete]]
// CHECK: allocated by new at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_mismatch.cpp:[[@alloc_scalar]]
// CHECK: Memory error (wrong_delete_size): sized delete with size 40 of a block of 48 byte(s)
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_mismatch.cpp:[[@bad_size]]
// CHECK: allocated by new at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_mismatch.cpp:[[@alloc_sized]]
// CHECK-NOT: Memory error
// CHECK: SUMMARY: leakwatch: 5 memory error(s)
// CHECK: no leaks found

// HALT: leakwatch: error: mismatched_free: delete(0x{{[0-9a-f]+}})
// HALT-NOT: after malloc/delete
// HALT: killed by signal 6 (SIGABRT)
// HALT: Memory error (mismatched_free)
// HALT-NOT: Memory error

// JSON-FIELD: summary.memory_errors=5 summary.leaked_blocks=0
// JSON-FIELD: errors.0.kind=mismatched_free errors.0.call=delete errors.0.allocation_kind=malloc errors.0.size=16 errors.0.stack.0.line=[[@bad_delete]] errors.0.alloc_stack.0.line=[[@alloc_malloc]]
// JSON-FIELD: errors.1.kind=mismatched_free errors.1.call=free errors.1.allocation_kind=new errors.1.stack.0.line=[[@bad_free]]
// JSON-FIELD: errors.2.kind=mismatched_free errors.2.call=delete errors.2.allocation_kind=new[] errors.2.stack.0.line=[[@bad_scalar_delete]]
// JSON-FIELD: errors.3.kind=mismatched_free errors.3.call=delete[] errors.3.allocation_kind=new errors.3.stack.0.line=[[@bad_array_delete]]
// JSON-FIELD: errors.4.kind=wrong_delete_size errors.4.size=48 errors.4.given_size=40 errors.4.stack.0.line=[[@bad_size]] errors.4.alloc_stack.0.line=[[@alloc_sized]]

// XML: <state>RUNNING</state>
// XML: <kind>MismatchedFree</kind>
// XML-NEXT: <what>Mismatched free() / delete / delete []</what>
// XML: <line>[[@bad_delete]]</line>
// XML: <auxwhat>Block was alloc&apos;d at</auxwhat>
// XML: <line>[[@alloc_malloc]]</line>
// XML: <state>FINISHED</state>
